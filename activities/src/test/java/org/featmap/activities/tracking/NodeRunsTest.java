package org.featmap.activities.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;

/** Every stage's run carries the cell's coordinates and the stage's settings in the config's vocabulary. */
class NodeRunsTest {
    static final List<String> COORDINATES = List.of(
            "dataset",
            "group",
            "source",
            "backbone",
            "layer",
            "manipulation",
            "model",
            "apply_transform",
            "normalized");

    @Test
    void everyCellStageHasTheCoordinatesAndTheSettingsUnderTheConfigsKeys() throws Exception {
        SweepConfig cfg = ConfigLoader.load(java.nio.file.Path.of("../config/demo.yaml"));
        int cellNodes = 0;
        for (Node n : Planner.plan(cfg).nodes()) {
            Map<String, String> p = NodeRuns.params(n.stage().id(), ContentKeys.canonicalJson(n.params()));
            assertEquals(n.stage().id(), p.get("stage"));
            for (String k : p.keySet()) {
                assertFalse(k.matches(".*[A-Z].*"), n.id() + ": param " + k + " is not in the config's snake_case");
                assertFalse(k.endsWith("_fingerprint"), n.id() + ": " + k);
            }
            if (n.cell() == null) continue;
            cellNodes++;
            for (String k : COORDINATES) assertTrue(p.containsKey(k), n.id() + " lacks " + k + ": " + p);
            if (n.stage() == Stage.TRAIN) {
                assertEquals("3.0E-4", p.get("learning_rate"), n.id() + ": " + p);
                assertEquals("2", p.get("accumulate_grad_batches"));
                assertEquals("COMBINED", p.get("loss"));
                assertFalse(p.containsKey("training.learningRate"));
            }
            if (n.stage() == Stage.WXB) assertEquals("50", p.get("samples"));
        }
        assertTrue(cellNodes > 20, "the demo has cells of every stage: " + cellNodes);
    }

    @Test
    void sharedStagesKeepTheirSettingsAndNamesOfSecretVariablesAreLeftOut() {
        Map<String, String> p = NodeRuns.params(
                "edit",
                "{\"dataset\":\"CARS\",\"hf_token_env\":\"HF_TOKEN\",\"manipulations\":[\"a\",\"b\"],"
                        + "\"import_fingerprint\":\"abc\",\"prompts\":[{\"name\":\"x\",\"text\":\"y\"}],\"root\":null}");
        assertEquals(
                Map.of(
                        "stage",
                        "edit",
                        "dataset",
                        "CARS",
                        "manipulations",
                        "a,b",
                        "prompts",
                        "[{\"name\":\"x\",\"text\":\"y\"}]"),
                p);
    }

    /**
     * Two executions of one config: each has its own sweep run; the second finds the nodes computed and
     * lists them as cached runs linked to the runs of the first, without touching the first's runs.
     */
    @Test
    void aSecondExecutionListsCachedNodesLinkedToTheRunsThatComputedThem() throws Exception {
        InMemoryTracker t = new InMemoryTracker(new SecretScrubber(Map.of()));
        String exp = t.experiment("demo");
        String first = t.run(exp, Map.of(Tracker.EXECUTION, "exec-1"), "demo", Map.of());
        NodeTask a = new NodeTask(
                "demo",
                first,
                "svd/a",
                "svd",
                "k".repeat(64),
                "{\"layer\":\"feat3\",\"model\":\"linear\"}",
                List.of(),
                "/s");
        String computed = NodeRuns.open(t, a);
        t.logMetric(computed, "effective_rank", 12.5, 0);
        t.finish(computed, true);

        String second = t.run(exp, Map.of(Tracker.EXECUTION, "exec-2"), "demo", Map.of());
        assertNotEquals(first, second);
        NodeTask again = new NodeTask("demo", second, "svd/a", "svd", "k".repeat(64), a.paramsJson(), List.of(), "/s");
        assertEquals(1, NodeRuns.recordCached(t, List.of(again)));
        assertEquals(0, NodeRuns.recordCached(t, List.of(again)), "recorded once per execution");
        String cached = NodeRuns.recordCached(t, again);
        InMemoryTracker.Run c = t.get(cached);
        assertEquals(second, c.tags.get(Tracker.PARENT));
        assertEquals("true", c.tags.get(Tracker.CACHED));
        assertEquals(computed, c.tags.get(Tracker.COMPUTED_BY));
        assertEquals("feat3", c.params.get("layer"));
        assertEquals(12.5, c.metrics.get("effective_rank").get(0).value());
        assertEquals("FINISHED", c.status);
        assertEquals(1, t.get(computed).metrics.get("effective_rank").size(), "the first execution's run is untouched");

        // the outputs turn out corrupt and the node is recomputed in the second execution: a computing run replaces the
        // record
        String recomputed = NodeRuns.open(t, again);
        assertNotEquals(cached, recomputed);
        assertEquals("false", t.get(recomputed).tags.get(Tracker.CACHED));
        assertEquals(1, t.findRuns(exp, NodeRuns.identity(second, again.key())).size());
    }
}
