package org.featmap.activities.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.activities.extract.ExtractStagesAccess;
import org.featmap.activities.stage.NodeRunner;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.store.Sha256;
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #16: the adapters read images.workers and features.batch_size from their node's params. */
class ExecutionParamsTest {
    @TempDir
    Path dir;

    int read(
            String stage,
            Map<String, Object> params,
            java.util.function.ToIntFunction<org.featmap.activities.stage.StageContext> f)
            throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir.resolve("store"));
        String json = ContentKeys.canonicalJson(params);
        AtomicInteger seen = new AtomicInteger();
        NodeRunner.run(
                new NodeTask("s", null, stage + "/x", stage, Sha256.hex(stage + json), json, List.of(), store.uri()),
                ctx -> seen.set(f.applyAsInt(ctx)),
                store,
                dir.resolve("work"),
                Progress.NONE,
                Tracker.NONE,
                null);
        return seen.get();
    }

    @Test
    void manipulateThreadsComeFromWorkersAndZeroMeansTheCores() throws Exception {
        assertEquals(3, read("manipulate", Map.of("workers", 3), ImageStages::workers));
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores, read("manipulate", Map.of("workers", 0, "n", 1), ImageStages::workers));
        assertEquals(
                cores, read("manipulate", Map.of("n", 2), ImageStages::workers)); // planned before the param existed
    }

    @Test
    void extractionBatchComesFromBatchSize() throws Exception {
        assertEquals(64, read("extract", Map.of("batch_size", 64), ExtractStagesAccess::batchSize));
        assertEquals(16, read("extract", Map.of("n", 3), ExtractStagesAccess::batchSize));
    }
}
