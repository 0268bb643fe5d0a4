package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.featmap.workers.faults.ServiceBackend.Service;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3: take the MLflow server away (mlflow.sh stop, wait, start) while a tracked sweep
 * trains: the tracker's TrackerUnavailableException makes Temporal retry the activity, the sweep
 * completes, every epoch's metrics are in MLflow, and no run is duplicated (one run per featmap.cellKey).
 */
class MlflowOutageIT {
    @Test
    void trackedSweepCompletesAcrossAnMlflowOutage() throws Exception {
        URI mlflow = FaultServices.requireMlflow();
        ServiceBackend services = FaultServices.backend();
        Path dir = Cli.workDir("mlflow-outage");
        String name = "mlflowout-" + System.currentTimeMillis();
        int epochs = 30;
        Path cfg = TinySweep.write(dir, name, dir.resolve("store"), 16, epochs);
        // no worker is killed here: a generous heartbeat keeps a loaded machine from timing attempts out
        Files.writeString(cfg, Files.readString(cfg).replace("heartbeat_seconds: 5", "heartbeat_seconds: 120"));
        Path log = dir.resolve("run.log");
        MlflowRuns api = new MlflowRuns(mlflow);
        long t0 = System.nanoTime();
        Process run = Cli.start(List.of("run", cfg.toString(), "--quiet"), Map.of("FEATMAP_DEBUG", "1"), log);
        double outage;
        int stepsBefore;
        try {
            // Wait until the training cell has logged some epochs to its child run.
            String[] child = new String[1];
            Distributed.await(
                    "the training cell's first epochs in MLflow", Duration.ofMinutes(3), Duration.ofMillis(300), () -> {
                        if (!run.isAlive()) return true;
                        String exp = api.experimentId(name);
                        if (exp == null) return false;
                        for (JsonNode r : api.runs(exp)) {
                            if ("train".equals(MlflowRuns.tag(r, "featmap.stage"))
                                    && MlflowRuns.metricKeys(r).contains("val_loss")) {
                                child[0] = MlflowRuns.id(r);
                                return true;
                            }
                        }
                        return false;
                    });
            assertTrue(run.isAlive(), "the sweep ended before the outage: " + Cli.tail(log));
            stepsBefore = steps(api, mlflow, child[0]).size();
            assertTrue(services.stop(Service.MLFLOW), "stopping MLflow failed");
            long down = System.nanoTime();
            Thread.sleep(8_000);
            assertTrue(services.start(Service.MLFLOW), "starting MLflow again failed");
            outage = (System.nanoTime() - down) / 1e9;
            if (!run.waitFor(3, TimeUnit.MINUTES))
                fail("the sweep did not finish within 3 minutes after MLflow came back: " + Cli.tail(log));
        } finally {
            if (run.isAlive()) run.destroyForcibly().waitFor();
            services.start(Service.MLFLOW);
        }
        String out = Files.readString(log);
        assertEquals(0, run.exitValue(), Cli.tail(log));
        assertTrue(FaultServices.trackedTo(out, mlflow), Cli.tail(log));
        int[] ch = Cli.computedAndHits(log);
        assertEquals(6, ch[0] + ch[1], Cli.tail(log));

        String exp = api.experimentId(name);
        List<JsonNode> runs = api.runs(exp);
        Map<String, Integer> perCellKey = new TreeMap<>();
        for (JsonNode r : runs) perCellKey.merge(String.valueOf(MlflowRuns.tag(r, "featmap.cellKey")), 1, Integer::sum);
        // Issue #19: every node of the execution has its own run (6 nodes), plus the sweep run (no cellKey).
        assertEquals(7, runs.size(), "the sweep run and one run per node: " + perCellKey);
        perCellKey.forEach((k, n) -> assertEquals(1, n, "MLflow runs with featmap.cellKey " + k));
        List<JsonNode> trains = runs.stream()
                .filter(r -> "train".equals(MlflowRuns.tag(r, "featmap.stage")))
                .toList();
        assertEquals(1, trains.size(), "one training run: " + perCellKey);
        JsonNode train = trains.get(0);
        assertEquals("FINISHED", train.path("info").path("status").asText(), train.toString());
        TreeSet<Long> steps = steps(api, mlflow, MlflowRuns.id(train));
        JsonNode best = train.path("data").path("metrics");
        // Nothing lost: one val_loss step per epoch, contiguous (epochs re-run after a resume re-log the same steps).
        assertEquals(epochs, steps.size(), "val_loss steps: " + steps);
        assertEquals(epochs - 1, steps.last() - steps.first(), "val_loss steps: " + steps);
        assertTrue(MlflowRuns.metricKeys(train).contains("best_val_loss"), best.toString());
        long retried = out.lines()
                .filter(l -> l.contains("TrackerUnavailable") || l.contains("unreachable"))
                .count();
        System.out.printf(
                "MlflowOutageIT: MLflow down %.1f s after %d val_loss steps; %d log lines name the unreachable server;"
                        + " sweep completed in %.1f s; %d runs, one per cellKey; val_loss steps %d..%d%n",
                outage, stepsBefore, retried, (System.nanoTime() - t0) / 1e9, runs.size(), steps.first(), steps.last());
    }

    static TreeSet<Long> steps(MlflowRuns api, URI mlflow, String runId) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(
                java.net.http.HttpRequest.newBuilder(mlflow.resolve(
                                "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=val_loss"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        TreeSet<Long> out = new TreeSet<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.body())
                .path("metrics")
                .forEach(m -> out.add(m.path("step").asLong()));
        return out;
    }
}
