package org.featmap.workers;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.featmap.activities.handlers.Handlers;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.ConfigLocator;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.store.Sha256;
import org.featmap.core.tracking.Tracker;
import org.featmap.workflows.SweepWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Starts (or resumes) a sweep and shows its progress until it ends.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "sweep config (YAML)")
    Path config;

    @Option(names = "--temporal", description = "Temporal frontend HOST:PORT (default: an in-process service)")
    String temporal;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            description = "Temporal namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--store", description = "artifact store: a folder or s3://bucket/prefix (overrides the config)")
    String store;

    @Option(
            names = "--mlflow",
            description = "MLflow tracking URI, or off for no tracking (default: $MLFLOW_TRACKING_URI, the config's"
                    + " tracking.mlflow, then infra/local's MLflow when it is installed)")
    String mlflow;

    @Option(names = "--detach", description = "start and return; follow with 'featmap status'")
    boolean detach;

    @Option(names = "--no-workers", description = "with --temporal: do not run workers in this process")
    boolean noWorkers;

    @Option(names = "--quiet", description = "print only the final summary")
    boolean quiet;

    @Option(
            names = "--record-history",
            description = "write the sweep's and its first cell's event histories (JSON) for replay tests")
    Path recordHistory;

    @Override
    public Integer call() throws Exception {
        SweepConfig cfg = Resolve.absolute(ConfigLoader.load(config), store);
        if (detach && temporal == null)
            throw new IllegalArgumentException(
                    "--detach needs --temporal HOST:PORT (an in-process service ends with this command)");
        Preflight.require(cfg, ConfigLocator.of(config)); // every problem at once, before anything starts (exit 2)
        Map<String, String> fp = Fingerprints.of(cfg);
        ExperimentGraph g = Planner.plan(cfg, fp);
        Set<String> missing = new LinkedHashSet<>();
        Set<String> available = Handlers.all().keySet();
        for (Node n : g.nodes())
            if (!available.contains(n.stage().id())) missing.add(n.stage().id());
        if (!missing.isEmpty())
            throw new IllegalArgumentException(
                    config + ": stage " + String.join(", ", missing)
                            + " is not available yet; disable it in the config (the plan shows what each stage would do: featmap plan)");
        Tracking tracking = Tracking.choose(mlflow, cfg.tracking().mlflowUri());
        System.err.println(tracking.message());
        String hash = Sha256.hex(ContentKeys.canonicalJson(cfg) + ContentKeys.canonicalJson(Fingerprints.identity(fp)))
                .substring(0, 12);
        String workflowId = cfg.sweep().name() + "-" + hash;
        Set<String> queues = new LinkedHashSet<>();
        queues.add(cfg.sweep().queueOf("default"));
        for (Node n : g.nodes()) queues.add(cfg.sweep().queueOf(n.stage().id()));
        long t0 = System.nanoTime();
        try (Temporal t = Temporal.open(temporal, namespace)) {
            if (t.isEmbedded())
                System.err.println(
                        "temporal: in-process service; the sweep's state ends with this command (finished nodes stay in the"
                                + " store and a re-run reuses them). For runs that must outlive it: infra/local/services.sh start, then --temporal"
                                + " localhost:7233 (docs/DEPLOYMENT.md)");
            if (t.isEmbedded() || !noWorkers)
                t.startWorkers(
                        true,
                        queues,
                        tracking.tracker(),
                        Path.of(System.getProperty("java.io.tmpdir"), "featmap-work"),
                        Math.max(1, Runtime.getRuntime().availableProcessors()));
            WorkflowClient client = t.client();
            SweepWorkflow wf = client.newWorkflowStub(
                    SweepWorkflow.class,
                    WorkflowOptions.newBuilder()
                            .setWorkflowId(workflowId)
                            .setTaskQueue(Temporal.WORKFLOW_QUEUE)
                            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                            // the first task plans the whole graph (seconds for 20,000 nodes on a loaded machine; the
                            // default 10 s
                            // expired at load 33 and the task was retried over and over)
                            .setWorkflowTaskTimeout(java.time.Duration.ofSeconds(60))
                            .build());
            SweepRequest req = new SweepRequest(cfg, fp, tracking.tracker() != Tracker.NONE, LaunchInfo.now());
            try {
                WorkflowClient.start(wf::run, req);
                System.err.printf(
                        "sweep %s started as workflow %s (%d nodes)%n",
                        cfg.sweep().name(), workflowId, g.nodes().size());
            } catch (WorkflowExecutionAlreadyStarted e) {
                System.err.printf(
                        "sweep %s is already running as workflow %s; following it%n",
                        cfg.sweep().name(), workflowId);
            }
            if (detach) {
                System.out.println(workflowId);
                return 0;
            }
            WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
            CompletableFuture<SweepStatus> result = stub.getResultAsync(SweepStatus.class);
            String last = "";
            while (!result.isDone()) {
                try {
                    result.get(
                            1,
                            java.util.concurrent.TimeUnit
                                    .SECONDS); // returns as soon as the sweep ends (a sleep added up to 1 s to wall
                    // time)
                    break;
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // fall through to the progress line
                } catch (java.util.concurrent.ExecutionException failed) {
                    break; // result.get() below rethrows it
                }
                if (quiet) continue;
                try {
                    SweepStatus s = org.featmap.workflows.LiveStatus.query(client, workflowId);
                    String line = StatusPrinter.oneLine(s);
                    if (!line.equals(last)) System.out.println(line);
                    last = line;
                } catch (RuntimeException e) {
                    // the query can fail while the workflow task is retried; the next poll will tell
                }
            }
            SweepStatus s = result.get();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sweep %s finished in %.1f s%n", s.sweep(), secs);
            System.out.print(StatusPrinter.render(s));
            int cached = s.total(SweepStatus.StageCount::cached);
            int done = s.total(SweepStatus.StageCount::done);
            System.out.printf(
                    "nodes: %d done (%d computed, %d cache hits), %d failed, %d skipped%n",
                    done,
                    done - cached,
                    cached,
                    s.total(SweepStatus.StageCount::failed),
                    s.total(SweepStatus.StageCount::skipped));
            double wall = secs * 1000;
            if (s.computeMillis() > 0)
                System.out.printf(
                        "time: wall %.1f s, computing %.1f s (busy %.1f s), orchestration overhead %.2f%% "
                                + "(%.1f s start-up and shut-down, %.1f s between nodes = %.2f%% of the nodes' span)%n",
                        secs,
                        s.computeMillis() / 1000.0,
                        s.busyMillis() / 1000.0,
                        100.0 * Math.max(0, wall - s.busyMillis()) / wall,
                        Math.max(0, wall - s.spanMillis()) / 1000.0,
                        (s.spanMillis() - s.busyMillis()) / 1000.0,
                        s.spanMillis() > 0 ? 100.0 * (s.spanMillis() - s.busyMillis()) / s.spanMillis() : 0.0);
            else System.out.printf("time: wall %.1f s, nothing computed%n", secs);
            FailureSummary.lines(s).forEach(System.out::println);
            int items = ItemFailures.print(cfg, g);
            SummaryLog.record(s, items);
            if (recordHistory != null) Histories.record(client, workflowId, recordHistory);
            return s.failures().isEmpty() && items == 0 ? 0 : 3;
        }
    }
}
