package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.contract.Progress;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 1 for extraction with a real extraction (ConvNeXt-atto, random init; two layers): a host dies after
 * some shards reached the store; a second host with an empty scratch restores them, resumes after them, and its
 * feature store is byte-for-byte that of an uninterrupted extraction. (Lives in workers: the activities test classpath
 * has no Arrow.)
 */
class ShardCheckpointsExtractionTest {
    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");
    static final String KEY = "f".repeat(64);

    @TempDir
    Path tmp;

    static final class Killed extends RuntimeException {}

    ExtractOptions options(Path images, Path out, Progress p) {
        return ExtractOptions.of(CONVNEXT, images, out)
                .withLayers(List.of("feat2", "feat3"))
                .withBatch(4, 2)
                .withRuntime(Device.cpu(), 1, p);
    }

    @Test
    void aSecondHostResumesAfterTheShardsInTheStoreBitwise() throws Exception {
        ai.djl.engine.Engine.getEngine("PyTorch");
        SyntheticDataset.generate(tmp.resolve("ds"), 2, 5, 0, 3L);
        ManipulateStage.run(ManipulateOptions.defaults(tmp.resolve("ds"), "train", tmp.resolve("img"))
                .withFormat(ImageFormat.PNG)
                .withOps(List.of(Manipulation.GRAYSCALE))
                .withThreads(1));
        Path images = tmp.resolve("img")
                .resolve("augmented_train"); // 10 originals × 2 = 20 rows: per layer 2 partitions of 10 rows
        ExtractReport whole = ExtractStage.run(options(images, tmp.resolve("whole"), Progress.NONE));
        assertEquals(20, whole.rows());

        LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
        String pseudo = StoreCheckpoints.nodeKey("extract", KEY);
        Path h1 = tmp.resolve("h1").resolve("features");
        ShardCheckpoints up1 = new ShardCheckpoints(store, pseudo, h1, ShardCheckpoints.restore(store, pseudo, h1));
        Progress dies = up1.beating((done, total, token) -> {
            if (done >= 12) {
                try {
                    up1.flush(60); // what reached the store before the host died
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new Killed();
            }
        });
        assertThrows(Killed.class, () -> ExtractStage.run(options(images, h1, dies)));
        up1.close();
        int inStore = up1.shardsUploaded();
        assertTrue(
                inStore >= 8,
                "shards in the store when the host died: " + inStore); // 12 rows: 3 of 2 rows per partition

        Path h2 = tmp.resolve("h2").resolve("features"); // another host: nothing local
        ShardCheckpoints up2 = new ShardCheckpoints(store, pseudo, h2, ShardCheckpoints.restore(store, pseudo, h2));
        ExtractReport resumed = ExtractStage.run(options(images, h2, up2.beating(Progress.NONE)));
        up2.close();
        assertTrue(resumed.resumedFrom() >= 8, "resumed from sample " + resumed.resumedFrom());
        assertEquals(20, resumed.rows());
        for (String layer : List.of("feat2", "feat3")) {
            Map<String, byte[]> a = files(tmp.resolve("whole").resolve(layer)), b = files(h2.resolve(layer));
            assertEquals(a.keySet(), b.keySet(), layer);
            for (String f : a.keySet()) assertArrayEquals(a.get(f), b.get(f), layer + "/" + f);
        }
    }

    static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) { // <layer>/<manipulation partition>/part-N.*
            for (Path p : s.filter(Files::isRegularFile).toList())
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }
}
