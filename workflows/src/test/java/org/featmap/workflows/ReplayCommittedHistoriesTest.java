package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays every history committed under src/test/resources/histories (recorded from real demo
 * sweeps with {@code featmap run --record-history}) against the current workflow code: a change that
 * would break running sweeps fails here (docs/ARCHITECTURE.md "Changing workflow code").
 */
class ReplayCommittedHistoriesTest {
    @Test
    void committedHistoriesReplay() throws Exception {
        Path dir = Path.of("src/test/resources/histories");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no recorded histories under " + dir);
        for (Path f : files) {
            // child workflow ids derive from the parent's id, so replay under the recorded id (<file>.id)
            Path idFile = f.resolveSibling(f.getFileName().toString().replace(".json", ".id"));
            WorkflowExecutionHistory h = Files.exists(idFile)
                    ? WorkflowExecutionHistory.fromJson(
                            Files.readString(f), Files.readString(idFile).trim())
                    : WorkflowExecutionHistory.fromJson(Files.readString(f));
            String name = f.getFileName().toString();
            Class<?> type = name.startsWith("cell")
                    ? CellWorkflowImpl.class
                    : name.startsWith("subsweep") ? SubSweepWorkflowImpl.class : SweepWorkflowImpl.class;
            Replays.replay(h, type);
        }
    }
}
