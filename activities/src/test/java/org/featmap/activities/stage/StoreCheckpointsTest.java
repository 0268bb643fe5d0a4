package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.store.ArtifactRef;
import org.featmap.ml.features.PairDataset;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.train.TrainListener;
import org.featmap.ml.train.TrainOptions;
import org.featmap.ml.train.TrainResult;
import org.featmap.ml.train.TrainStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 1 on one machine: a training killed after its epoch-3 checkpoint reached the store resumes on a
 * "host" with an empty scratch folder from the store and ends bitwise-equal to an uninterrupted run; a store
 * checkpoint that fails its sha256 is skipped for the one before; the node's commit deletes them.
 */
class StoreCheckpointsTest {
    static final String KEY = "d".repeat(64);

    @TempDir
    Path tmp;

    /** target = a fixed per-channel affine map of source + noise, in memory (the activities test classpath has no Arrow). */
    static final class MemPairs implements PairDataset {
        final int n = 100, c = 8, h = 3, w = 3;
        final float[] src = new float[n * c * h * w], tgt = new float[src.length];

        MemPairs() {
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) r.nextGaussian();
                tgt[i] = 0.7f * src[i] + 0.1f * (i % c) + (float) (0.05 * r.nextGaussian());
            }
        }

        public int size() {
            return n;
        }

        public int channels() {
            return c;
        }

        public int height() {
            return h;
        }

        public int width() {
            return w;
        }

        public String originalId(int i) {
            return "id" + i;
        }

        public String manipulation(int i) {
            return "grayscale";
        }

        public int classId(int i) {
            return i % 2;
        }

        public void read(int i, float[] s, int so, float[] t, int to) {
            int map = c * h * w;
            System.arraycopy(src, i * map, s, so, map);
            System.arraycopy(tgt, i * map, t, to, map);
        }
    }

    TrainOptions opts(String host) {
        return TrainOptions.defaults(
                        ModelType.MLP,
                        false,
                        "grayscale",
                        tmp.resolve(host).resolve("ckpt"),
                        tmp.resolve(host).resolve("out"),
                        null)
                .withMaxEpochs(6)
                .withBatchSize(8);
    }

    static final class Killed extends RuntimeException {}

    @Test
    void aFreshHostResumesFromTheStoreBitwiseAndSkipsACorruptCheckpoint() throws Exception {
        MemPairs data = new MemPairs();
        TrainResult full = TrainStage.run(opts("ref"), data, Optional.empty(), TrainListener.NONE);

        LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
        StoreCheckpoints up =
                new StoreCheckpoints(store, "train", KEY, 2, tmp.resolve("h1").resolve("upload"));
        assertThrows(
                Killed.class,
                () -> TrainStage.run(opts("h1"), data, Optional.empty(), new TrainListener() {
                    @Override
                    public void onCheckpoint(int epoch, Path dir, boolean best) {
                        try {
                            up.onCheckpoint(epoch, dir);
                            if (epoch == 3) {
                                up.flush(60);
                                throw new Killed(); // the host dies after its 4th checkpoint reached the store
                            }
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
        up.close();
        assertEquals(
                StoreCheckpoints.STAGE + "/train-" + KEY + "/slot-0@3", StoreCheckpoints.STAGE + "/" + up.latest());
        List<StoreCheckpoints.Entry> kept = StoreCheckpoints.entries(store, "train-" + KEY);
        assertEquals(
                List.of(2, 3), kept.stream().map(StoreCheckpoints.Entry::epoch).toList(), "the last two good ones");
        assertEquals(4, up.stats().checkpoints);
        assertEquals(
                4, up.stats().uploaded + up.stats().superseded, "each checkpoint uploaded or replaced by a newer one");
        assertEquals(0, up.stats().failed);

        // host 2: nothing in scratch
        assertEquals(
                3,
                StoreCheckpoints.restore(
                        store,
                        "train",
                        KEY,
                        Files.createDirectories(tmp.resolve("h2").resolve("ckpt")),
                        null));
        TrainResult resumed = TrainStage.run(opts("h2"), data, Optional.empty(), TrainListener.NONE);
        assertEquals(3, resumed.resumedFromEpoch());
        assertEquals(Double.doubleToRawLongBits(full.bestValLoss()), Double.doubleToRawLongBits(resumed.bestValLoss()));
        assertEquals(full.valLosses(), resumed.valLosses());
        assertEquals(full.bestEpoch(), resumed.bestEpoch());

        // host 3: the newest store checkpoint is corrupt (same size, flipped bytes) -> the one before
        ArtifactRef state3 = kept.get(1).files().get("state.safetensors");
        Path f = store.pathOf(state3);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 5] ^= 0x5a;
        Files.write(f, b);
        assertEquals(
                2,
                StoreCheckpoints.restore(
                        store,
                        "train",
                        KEY,
                        Files.createDirectories(tmp.resolve("h3").resolve("ckpt")),
                        null));
        TrainResult fromTwo = TrainStage.run(opts("h3"), data, Optional.empty(), TrainListener.NONE);
        assertEquals(2, fromTwo.resumedFromEpoch());
        assertEquals(Double.doubleToRawLongBits(full.bestValLoss()), Double.doubleToRawLongBits(fromTwo.bestValLoss()));

        // both corrupt -> from scratch (still the same result)
        ArtifactRef state2 = kept.get(0).files().get("state.safetensors");
        Files.write(store.pathOf(state2), new byte[(int) state2.bytes()]);
        assertEquals(
                -1,
                StoreCheckpoints.restore(
                        store,
                        "train",
                        KEY,
                        Files.createDirectories(tmp.resolve("h4").resolve("ckpt")),
                        null));

        // the node commits: its checkpoints go
        StoreCheckpoints.afterCommit(store, "train", KEY);
        assertEquals(List.of(), store.list(StoreCheckpoints.STAGE, "train-" + KEY));
        assertTrue(store.manifest(StoreCheckpoints.STAGE, "train-" + KEY).isEmpty());
    }
}
