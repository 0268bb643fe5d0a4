package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.activities.store.Stores;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 item 4: a bounded sweep hands the report a reference to its input list in the store; the
 * activity reads it back as the very inputs the planner gives the report node, and refuses a list that does
 * not give the task's content key.
 */
class ReportInputsTest {
    static SweepConfig config(Path store) {
        return ConfigLoader.parse("r.yaml", """
        sweep: {name: r, store: %s}
        datasets:
          - name: D
            synthetic: {classes: 2, per_class_train: 2, per_class_test: 2, seed: 1}
            groups:
              - {name: direct, models: [linear, mlp], manipulations: [grayscale]}
        backbones:
          - {name: convnext, export: /models/x, layers: [feat2, feat3]}
        test: {enabled: true, reconstructor: none}
        """.formatted(store), new EnvExpander(Map.of()));
    }

    @Test
    void theReportReadsThePlannedInputsBackFromTheStore(@TempDir Path tmp) throws Exception {
        SweepConfig cfg = config(tmp);
        ExperimentGraph g = Planner.plan(cfg);
        Node report = g.ofStage(Stage.REPORT).get(0);
        ArtifactRef ref = SweepActivitiesImpl.publishReportInputs(cfg, Map.of());
        assertEquals(ref, SweepActivitiesImpl.publishReportInputs(cfg, Map.of()), "a retry writes the same file");
        NodeTask byRef = new NodeTask(
                "r",
                null,
                report.id(),
                "report",
                report.key(),
                ContentKeys.canonicalJson(report.params()),
                List.of(),
                cfg.sweep().store(),
                ref);
        try (ArtifactStore store = Stores.open(cfg.sweep().store())) {
            NodeTask listed = SweepActivitiesImpl.expandInputs(byRef, store);
            assertNull(listed.inputsRef());
            assertEquals(report.inputs().size(), listed.inputs().size());
            for (int i = 0; i < report.inputs().size(); i++) {
                Node dep = g.byId().get(report.inputs().get(i).nodeId());
                assertEquals(
                        new NodeTask.InputRef(
                                report.inputs().get(i).role(),
                                dep.id(),
                                dep.stage().id(),
                                dep.key()),
                        listed.inputs().get(i));
            }
            NodeTask otherKey = new NodeTask(
                    "r",
                    null,
                    report.id(),
                    "report",
                    "0".repeat(64),
                    byRef.paramsJson(),
                    List.of(),
                    cfg.sweep().store(),
                    ref);
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> SweepActivitiesImpl.expandInputs(otherKey, store));
            assertTrue(e.getMessage().contains("different planner code"), e.getMessage());
        }
    }
}
