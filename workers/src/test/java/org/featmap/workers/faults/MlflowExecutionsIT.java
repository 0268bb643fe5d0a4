package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue #19 item 2 against infra/local's MLflow: one config run three times — into store A, into a new
 * store B (every node recomputed), and into A again (every node cached). Three executions, three sweep
 * runs, each with its own child run per node; the recomputed execution's metrics go to its own runs (no
 * step logged twice anywhere); the cached execution lists every node, tagged cached and linked to the
 * run of the first execution that computed it.
 */
class MlflowExecutionsIT {
    static final int EPOCHS = 3;

    @Test
    void eachExecutionHasItsOwnSweepRunAndChildrenAndCachedNodesLinkToTheirComputingRuns() throws Exception {
        URI mlflow = FaultServices.requireMlflow();
        Path dir = Cli.workDir("mlflow-executions");
        String name = "mlflowexec-" + System.currentTimeMillis();
        Path cfg = TinySweep.write(dir, name, dir.resolve("unused"), 4, EPOCHS);
        // no fault is injected here: a generous heartbeat keeps a loaded machine from timing attempts out
        Files.writeString(cfg, Files.readString(cfg).replace("heartbeat_seconds: 5", "heartbeat_seconds: 120"));
        for (String store : List.of("store-a", "store-b", "store-a")) {
            Path log = dir.resolve("run-" + store + "-" + System.nanoTime() + ".log");
            assertEquals(
                    0,
                    Cli.run(
                            List.of(
                                    "run",
                                    cfg.toString(),
                                    "--store",
                                    dir.resolve(store).toString(),
                                    "--quiet"),
                            Map.of(),
                            log,
                            Duration.ofMinutes(8)),
                    Cli.tail(log));
            if (!FaultServices.trackedTo(Files.readString(log), mlflow))
                FaultServices.missing("not tracked to " + mlflow + ": " + Cli.tail(log));
        }
        MlflowRuns api = new MlflowRuns(mlflow);
        String exp = api.experimentId(name);
        List<JsonNode> runs = api.runs(exp);
        List<JsonNode> sweeps = runs.stream()
                .filter(r -> MlflowRuns.tag(r, "mlflow.parentRunId") == null)
                .sorted(java.util.Comparator.comparingLong(
                        r -> r.path("info").path("start_time").asLong()))
                .toList();
        assertEquals(3, sweeps.size(), "one sweep run per execution: " + runs.size() + " runs");
        Set<String> executions = new TreeSet<>();
        for (JsonNode s : sweeps) executions.add(MlflowRuns.tag(s, "featmap.execution"));
        assertEquals(3, executions.size(), "three execution ids: " + executions);

        List<List<JsonNode>> children = sweeps.stream()
                .map(s -> runs.stream()
                        .filter(r -> MlflowRuns.id(s).equals(MlflowRuns.tag(r, "mlflow.parentRunId")))
                        .toList())
                .toList();
        int nodes = children.get(0).size();
        assertEquals(
                org.featmap.core.graph.Planner.plan(org.featmap.core.config.ConfigLoader.load(cfg))
                        .nodes()
                        .size(),
                nodes,
                "a run per node of the sweep");
        for (List<JsonNode> c : children) {
            assertEquals(nodes, c.size(), "every execution lists the whole graph");
            assertEquals(
                    nodes,
                    c.stream()
                            .map(r -> MlflowRuns.tag(r, "featmap.cellKey"))
                            .distinct()
                            .count(),
                    "one run per node");
        }
        for (int i = 0; i < 2; i++)
            for (JsonNode r : children.get(i))
                assertEquals("false", MlflowRuns.tag(r, "featmap.cached"), "computed in execution " + i + ": " + r);
        for (JsonNode r : children.get(2)) {
            assertEquals("true", MlflowRuns.tag(r, "featmap.cached"), r.toString());
            String source = MlflowRuns.tag(r, "featmap.computedBy");
            JsonNode computing = children.get(0).stream()
                    .filter(x -> MlflowRuns.id(x).equals(source))
                    .findFirst()
                    .orElse(null);
            assertNotNull(computing, "a cached run links to the first execution's run of the same node: " + r);
            assertEquals(MlflowRuns.tag(r, "featmap.cellKey"), MlflowRuns.tag(computing, "featmap.cellKey"));
        }
        for (int i = 0; i < 3; i++) {
            JsonNode train = children.get(i).stream()
                    .filter(r -> "train".equals(MlflowRuns.tag(r, "featmap.stage")))
                    .findFirst()
                    .orElseThrow();
            assertEquals("linear", param(train, "model"));
            assertEquals("feat3", param(train, "layer"));
            if (i == 2) continue; // a cached run holds the latest values only
            Map<Long, List<Double>> h = api.history(MlflowRuns.id(train), "val_loss");
            assertEquals(EPOCHS, h.size(), "execution " + i + " val_loss steps: " + h);
            for (var e : h.entrySet())
                assertEquals(
                        1,
                        e.getValue().size(),
                        "execution " + i + " logged val_loss step " + e.getKey() + " twice: " + h);
        }
        System.out.printf(
                "MlflowExecutionsIT: experiment %s: 3 executions x %d node runs; execution 3's runs cached, linked to execution 1's%n",
                exp, nodes);
    }

    static String param(JsonNode run, String key) {
        for (JsonNode p : run.path("data").path("params"))
            if (key.equals(p.path("key").asText())) return p.path("value").asText();
        return null;
    }
}
