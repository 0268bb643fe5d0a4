package org.featmap.ml.reconstruct;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.images.SyntheticDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains decoders on a tiny real store: synthetic dataset → direct manipulations (PNG) → ConvNeXt-atto
 * (random init) features at feat3 and feat2.
 */
class DecoderTrainStageTest {
    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");

    @TempDir
    static Path tmp;

    static Path images;
    static Path features;

    @BeforeAll
    static void makeStore() throws Exception {
        ai.djl.engine.Engine.getEngine("PyTorch"); // ExtractStage sets libtorch threads before loading the engine
        SyntheticDataset.generate(tmp.resolve("ds"), 4, 5, 0, 7L);
        ManipulateStage.run(ManipulateOptions.defaults(tmp.resolve("ds"), "train", tmp.resolve("images"))
                .withFormat(ImageFormat.PNG)
                .withOps(List.of(
                        Manipulation.ROTATION_90,
                        Manipulation.MIRROR_H,
                        Manipulation.GRAYSCALE,
                        Manipulation.MASK_BIG_SQUARE_CENTER,
                        Manipulation.HUE_SHIFT_60))
                .withThreads(2));
        images = tmp.resolve("images").resolve("augmented_train");
        features = tmp.resolve("features");
        ExtractReport r = ExtractStage.run(ExtractOptions.of(CONVNEXT, images, features)
                .withLayers(List.of("feat2", "feat3"))
                .withBatch(8, 512)
                .withRuntime(Device.cpu(), 1, null));
        assertEquals(120, r.rows()); // 20 originals × (resized + 5 manipulations)
    }

    static DecoderOptions options(Path out, int epochs) {
        return DecoderOptions.of(images, out)
                .withModel(32, 32)
                .withTraining(DecoderLoss.L1, 3e-3f, 8, epochs, 11L)
                .withValFraction(0.2)
                .withRuntime(1, null, null); // one libtorch thread: on a shared 2-core machine two threads spin-wait
    }

    @Test
    void feat3DecoderLearnsAndReconstructsItsOwnImages() throws IOException {
        List<double[]> epochs = new ArrayList<>();
        DecoderOptions o = options(tmp.resolve("dec3"), 12)
                .withRuntime(1, (e, n, t, v) -> epochs.add(new double[] {e, t, v}), null);
        DecoderResult res;
        try (FeatureStoreReader store = FeatureStoreReader.open(features.resolve("feat3"))) {
            res = DecoderTrainStage.run(o, store);
            System.out.printf(
                    "DECODER feat3 initial val %.4f, val %s, train %s, %.1f samples/s%n",
                    res.initialValLoss(), res.valLoss(), res.trainLoss(), res.samplesPerSecond());
            assertEquals(96, res.trainRows());
            assertEquals(24, res.valRows()); // 4 of 20 originals, all 6 rows each
            assertEquals(12, epochs.size());
            double first = res.valLoss().get(0), last = res.finalValLoss();
            assertTrue(last < 0.7 * first, "val loss " + res.valLoss());
            assertTrue(last < res.initialValLoss(), "val loss " + last + " vs untrained " + res.initialValLoss());

            try (Decoder d = Decoder.load(res.modelDir());
                    NDManager m = NDManager.newBaseManager("PyTorch")) {
                assertEquals("feat3", d.info().layer());
                assertEquals(last, d.info().finalValLoss(), 0.0);
                int n = store.size();
                int[] rows = java.util.stream.IntStream.range(0, n).toArray();
                NDArray x = store.readRows(m, rows);
                List<RgbImage> rec = d.reconstruct(x);
                assertEquals(n, rec.size());
                assertEquals(32, rec.get(0).width());
                byte[] targets = DecoderTargets.load(store, images, 32);
                // own image vs the other images: mean MSE on the diagonal well below the off-diagonal mean
                double own = 0, other = 0;
                long nOther = 0;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        double mse = mse(rec.get(i), targets, j, 32);
                        if (i == j) own += mse;
                        else {
                            other += mse;
                            nOther++;
                        }
                    }
                own /= n;
                other /= nOther;
                writeGrid(
                        store,
                        rec,
                        targets,
                        Path.of("target", "test-output", "decoder-feat3-grid.png")); // kept for a look
                System.out.printf("DECODER feat3 own-image MSE %.1f, other-image MSE %.1f%n", own, other);
                assertTrue(own < 0.6 * other, "own-image MSE " + own + " vs other-image MSE " + other);
            }
        }
    }

    @Test
    void feat2DecoderLearnsAndSaveLoadRoundTrips() throws IOException {
        Path out = tmp.resolve("dec2");
        try (FeatureStoreReader store = FeatureStoreReader.open(features.resolve("feat2"))) {
            DecoderResult res = DecoderTrainStage.run(options(out, 8), store);
            System.out.printf(
                    "DECODER feat2 initial val %.4f, val %s, %.1f samples/s%n",
                    res.initialValLoss(), res.valLoss(), res.samplesPerSecond());
            assertTrue(res.finalValLoss() < 0.7 * res.valLoss().get(0), "val loss " + res.valLoss());
            assertTrue(Files.isRegularFile(out.resolve("decoder-0000.params")));
            try (Decoder a = Decoder.load(out);
                    Decoder b = Decoder.load(out);
                    NDManager m = NDManager.newBaseManager("PyTorch")) {
                assertEquals(new DecoderShape(128, 18, 18, 32, 32), a.info().shape());
                NDArray x = store.readRows(m, new int[] {0, 5, 17, 40, 41, 99, 119});
                float[] fa = a.forward(x).toFloatArray(), fb = b.forward(x).toFloatArray();
                assertArrayEquals(fa, fb);
                // batched = one at a time (GroupNorm: no batch statistics)
                float[] single = b.forward(store.readRows(m, new int[] {17})).toFloatArray();
                float[] inBatch = java.util.Arrays.copyOfRange(fa, 2 * single.length, 3 * single.length);
                for (int i = 0; i < single.length; i++) assertEquals(inBatch[i], single[i], 1e-5f);
                List<RgbImage> ra = a.reconstruct(x), rb = b.reconstruct(x);
                for (int i = 0; i < ra.size(); i++)
                    assertArrayEquals(ra.get(i).rgb(), rb.get(i).rgb());
                assertArrayEquals(Decoder.toImage(fa, 0, 32).rgb(), ra.get(0).rgb());
                // the saved model is the trained one: its validation loss recomputed after loading is the reported one
                int[] val = DecoderTrainStage.split(store, 0.2, 11L)[1];
                byte[] targets = DecoderTargets.load(store, images, 32);
                double l1 = DecoderLoss.L1
                        .compute(a.forward(store.readRows(m, val)), DecoderTrainStage.targetBatch(m, targets, val, 32))
                        .getFloat();
                assertEquals(res.finalValLoss(), l1, 1e-6);
            }
            assertThrows(IOException.class, () -> Decoder.load(tmp.resolve("nowhere")));
        }
    }

    @Test
    void sameSeedSameModel() throws IOException {
        try (FeatureStoreReader store = FeatureStoreReader.open(features.resolve("feat3"))) {
            DecoderResult a = DecoderTrainStage.run(options(tmp.resolve("seedA"), 2), store);
            DecoderResult b = DecoderTrainStage.run(options(tmp.resolve("seedB"), 2), store);
            DecoderResult c = DecoderTrainStage.run(
                    options(tmp.resolve("seedC"), 2).withTraining(DecoderLoss.L1, 3e-3f, 8, 2, 12L), store);
            // same run on a fresh thread with libtorch's (thread-local) grad mode on, as in a worker thread that never
            // ran a Backbone (which turns it off): same numbers
            DecoderResult[] fresh = new DecoderResult[1];
            Throwable[] failed = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                    fresh[0] = DecoderTrainStage.run(options(tmp.resolve("seedFresh"), 2), store);
                    assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), "grad mode restored");
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (failed[0] != null) throw new AssertionError("training on a fresh thread failed", failed[0]);
            assertEquals(a.valLoss(), fresh[0].valLoss());
            assertEquals(a.valLoss(), b.valLoss());
            assertEquals(a.trainLoss(), b.trainLoss());
            assertArrayEquals(
                    Files.readAllBytes(a.modelDir().resolve("decoder-0000.params")),
                    Files.readAllBytes(b.modelDir().resolve("decoder-0000.params")));
            assertNotEquals(a.trainLoss(), c.trainLoss());
        }
    }

    @Test
    void resumesFromItsEpochCheckpointBitwise() throws IOException {
        try (FeatureStoreReader store = FeatureStoreReader.open(features.resolve("feat3"))) {
            DecoderResult whole = DecoderTrainStage.run(options(tmp.resolve("resume-plain"), 3), store);
            Path ckpt = tmp.resolve("resume-ckpt");
            class Killed extends RuntimeException {}
            org.featmap.ml.EpochCheckpoints dying = new org.featmap.ml.EpochCheckpoints(ckpt, (epoch, dir) -> {
                if (epoch == 2) throw new Killed();
            });
            assertThrows(
                    Killed.class, () -> DecoderTrainStage.run(options(tmp.resolve("resume-dead"), 3), store, dying));
            List<Integer> committed = new ArrayList<>();
            DecoderResult r = DecoderTrainStage.run(
                    options(tmp.resolve("resume-out"), 3),
                    store,
                    new org.featmap.ml.EpochCheckpoints(ckpt, (e, d) -> committed.add(e)));
            assertEquals(List.of(3), committed, "epochs 1 and 2 came from the checkpoint");
            assertEquals(whole.initialValLoss(), r.initialValLoss());
            assertEquals(whole.trainLoss(), r.trainLoss());
            assertEquals(whole.valLoss(), r.valLoss());
            assertArrayEquals(
                    Files.readAllBytes(whole.modelDir().resolve("decoder-0000.params")),
                    Files.readAllBytes(r.modelDir().resolve("decoder-0000.params")));
        }
    }

    /** original | manipulated | their reconstructions, for three originals; checks the PNG is drawn from them. */
    static void writeGrid(FeatureStoreReader store, List<RgbImage> rec, byte[] targets, Path png) throws IOException {
        List<RgbImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < store.size() && rows.size() < 3; r++) {
            if (store.manipulation(r).equals("resized")) continue;
            int orig = -1;
            for (int q = 0; q < store.size(); q++)
                if (store.manipulation(q).equals("resized")
                        && store.originalId(q).equals(store.originalId(r))
                        && store.classId(q) == store.classId(r)) orig = q;
            if (orig < 0) continue;
            rows.add(new RgbImage[] {target(targets, orig, 32), target(targets, r, 32), rec.get(r), rec.get(orig)});
            labels.add(store.originalId(r) + " " + store.manipulation(r));
            r += 7; // next original
        }
        int[] wh = ReconstructionGrid.write(
                png,
                rows,
                labels,
                List.of("original", "manipulated (target)", "reconstructed target", "reconstructed original"));
        java.awt.image.BufferedImage bi = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(wh[0], bi.getWidth());
        assertEquals(
                ReconstructionGrid.HEADER
                        + 3 * (ReconstructionGrid.MIN_CELL + ReconstructionGrid.PAD)
                        + ReconstructionGrid.PAD,
                bi.getHeight());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < bi.getHeight(); y += 3)
            for (int x = 0; x < bi.getWidth(); x += 3) colours.add(bi.getRGB(x, y));
        assertTrue(colours.size() > 100, "grid has only " + colours.size() + " colours");
    }

    static RgbImage target(byte[] chw, int row, int size) {
        int plane = size * size, off = row * 3 * plane;
        RgbImage img = RgbImage.blank(size, size);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) img.set(i % size, i / size, c, chw[off + c * plane + i] & 0xFF);
        return img;
    }

    static double mse(RgbImage img, byte[] chwTargets, int row, int size) {
        int plane = size * size, off = row * 3 * plane;
        double s = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) {
                double d = img.get(i % size, i / size, c) - (chwTargets[off + c * plane + i] & 0xFF);
                s += d * d;
            }
        return s / (3.0 * plane);
    }
}
