package org.featmap.workers;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Runs a worker process for chosen task queues (one activity at a time on GPU queues).")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    TemporalServer server;

    @Option(
            names = "--queues",
            split = ",",
            defaultValue = "featmap-cpu",
            description = "activity task queues to serve, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> queues;

    @Option(names = "--workflows", description = "also run the workflow worker (queue " + Temporal.WORKFLOW_QUEUE + ")")
    boolean workflows;

    @Option(
            names = "--mlflow",
            description = "MLflow tracking URI, or off for no tracking (default: $MLFLOW_TRACKING_URI, the config's"
                    + " tracking.mlflow, then infra/local's MLflow when it is installed)")
    String mlflow;

    @Option(
            names = "--slots",
            defaultValue = "0",
            description = "concurrent activities on CPU queues (0: one per core)")
    int slots;

    @Option(names = "--work", description = "local scratch folder for non-local stores")
    Path work;

    @Option(
            names = "--input-cache",
            description = "bound of the worker's cache of fetched inputs (LRU; e.g. 50g;"
                    + " default $FEATMAP_INPUT_CACHE or 20g); a remote store's inputs are kept under <work>/inputs")
    String inputCache;

    @Override
    public Integer call() throws InterruptedException {
        if (inputCache != null)
            org.featmap.activities.stage.InputCache.setDefaultMaxBytes(
                    org.featmap.activities.stage.InputCache.parseSize(inputCache, "--input-cache"));
        Tracking tracking = Tracking.choose(mlflow, null);
        System.err.println(tracking.message());
        Temporal t = server.connect();
        Runtime.getRuntime().addShutdownHook(new Thread(t::close));
        t.startWorkers(
                workflows,
                queues,
                tracking.tracker(),
                work != null ? work : Path.of(System.getProperty("java.io.tmpdir"), "featmap-work"),
                slots > 0 ? slots : Runtime.getRuntime().availableProcessors());
        System.err.println("worker serving " + String.join(", ", queues) + (workflows ? " + workflows" : "") + " on "
                + server.target);
        new CountDownLatch(1).await();
        return 0;
    }
}
