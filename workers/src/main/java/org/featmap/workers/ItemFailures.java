package org.featmap.workers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.featmap.activities.store.Stores;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;

/**
 * Per-file failures that a node tolerated and recorded in its manifest (an image that does not decode, an
 * edit whose name or id is unknown), which the node counts do not show: read back from the store after a
 * sweep so the summary counts them. Only the stages that record such failures are read.
 */
final class ItemFailures {
    private ItemFailures() {}

    static final List<Stage> STAGES = List.of(Stage.MANIPULATE, Stage.EDIT, Stage.EXTRACT);

    /** node id → its recorded per-file failures (nodes without any are left out). */
    static Map<String, List<String>> read(ArtifactStore store, ExperimentGraph g) throws java.io.IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Stage st : STAGES)
            for (Node n : g.ofStage(st)) {
                Optional<NodeManifest> m = store.manifest(st.id(), n.key());
                if (m.isPresent() && !m.get().failures().isEmpty())
                    out.put(n.id(), m.get().failures());
            }
        return out;
    }

    /** Prints the grouped lines and returns the number of failed files (0 when the store cannot be read). */
    static int print(SweepConfig cfg, ExperimentGraph g) {
        try (ArtifactStore store = Stores.open(cfg.sweep().store())) {
            Map<String, List<String>> byNode = read(store, g);
            FailureSummary.itemLines(
                            byNode,
                            "the nodes' manifest.json under " + cfg.sweep().store())
                    .forEach(System.out::println);
            byNode.forEach((node, lines) -> lines.forEach(l -> SummaryLog.LOG.info("file failed in {}: {}", node, l)));
            return byNode.values().stream().mapToInt(List::size).sum();
        } catch (java.io.IOException | RuntimeException e) {
            System.out.println("per-file failures: not read (" + e.getMessage() + ")");
            return 0;
        }
    }
}
