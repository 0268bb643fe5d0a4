package org.featmap.ml.extract;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.FeatureImageDecoder;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeaturePairDataset;
import org.featmap.ml.features.FeatureStoreReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractStageTest {
    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");

    static void png(Path file, int w, int h, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) bi.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | r.nextInt(256));
        ImageIO.write(bi, "png", file.toFile());
    }

    /** images/augmented_train: 2 classes × 2 ids × {resized, rotation_90, grayscale}, + noise files. */
    static Path makeImages(Path root) throws IOException {
        Path images = root.resolve("augmented_train");
        long seed = 0;
        for (String cls : List.of("b_class", "a_class"))
            for (String id : List.of("00002", "00001"))
                for (String m : List.of("resized", "rotation_90", "grayscale"))
                    png(images.resolve(cls).resolve("direct").resolve(id + "_" + m + ".png"), 300, 288, seed++);
        Files.writeString(images.resolve("a_class/direct/00003_resized.jpg"), "not a jpeg"); // undecodable
        png(images.resolve("a_class/qwen_gs_1_infsteps_10/00001_resized.png"), 288, 288, 99); // other source
        Files.writeString(images.resolve("a_class/direct/notes.txt"), "ignored");
        return images;
    }

    @Test
    void enumeratesLikeImageFolder(@TempDir Path tmp) throws IOException {
        Path images = makeImages(tmp);
        List<ImageFolderSamples.Sample> s = ImageFolderSamples.enumerate(images, "direct");
        assertEquals(13, s.size());
        assertEquals("a_class/direct/00001_grayscale.png", s.get(0).relPath());
        assertEquals(0, s.get(0).classId());
        assertEquals("00003", s.get(6).originalId());
        assertEquals(1, s.get(7).classId());
        assertEquals("rotation_90", s.get(12).manipulation());
        assertEquals(List.of(), ImageFolderSamples.enumerate(images, "missing_source"));
    }

    @Test
    void shortensQwenNames(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve(
                "aug/c/qwen_gs_1_infsteps_10/00042_qwen_Show the bird gently preening one wing in the same_0.jpg");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        ImageFolderSamples.Sample s = ImageFolderSamples.enumerate(tmp.resolve("aug"), "qwen_gs_1_infsteps_10")
                .get(0);
        assertEquals("00042", s.originalId());
        assertEquals("Preening_one_wing", s.manipulation());
    }

    @Test
    void extractsResumesAndMatchesDirectForward(@TempDir Path tmp) throws IOException {
        Path images = makeImages(tmp);
        Path out = tmp.resolve("features");
        // shards of 2 rows per manipulation partition (FeaturePartitions): after the crash grayscale holds a complete
        // shard up to sample 3, resized and rotation_90 up to 7, so the extraction resumes at 4
        ExtractOptions base = ExtractOptions.of(CONVNEXT, images, out)
                .withLayers(List.of("feat0", "feat3"))
                .withBatch(4, 2)
                .withStorage(FeatureDType.FLOAT32, FeatureCompression.ZSTD);
        AtomicInteger reports = new AtomicInteger();
        ExtractOptions crashing = base.withRuntime(Device.cpu(), 0, (done, total, cp) -> {
            if (reports.incrementAndGet() == 2) throw new IllegalStateException("simulated crash after " + done);
        });
        assertThrows(IllegalStateException.class, () -> ExtractStage.run(crashing));

        ExtractReport r = ExtractStage.run(base);
        assertEquals(13, r.samples());
        assertEquals(12, r.rows());
        assertEquals(4, r.resumedFrom());
        assertEquals(1, r.failures().size()); // row 6 (undecodable) lies after the resume point: listed again
        ExtractReport again = ExtractStage.run(base);
        assertEquals(13, again.resumedFrom());

        Path fresh = tmp.resolve("fresh");
        ExtractReport full = ExtractStage.run(ExtractOptions.of(CONVNEXT, images, fresh)
                .withLayers(List.of("feat3"))
                .withBatch(5, 100)
                .withStorage(FeatureDType.FLOAT16, FeatureCompression.LZ4));
        assertEquals(1, full.failures().size());
        assertEquals(6, full.failures().get(0).sampleId());
        assertTrue(
                full.failures().get(0).error().contains("not a decodable image"),
                full.failures().get(0).error());

        try (FeatureStoreReader f3 = FeatureStoreReader.open(out.resolve("feat3"));
                FeatureStoreReader h3 = FeatureStoreReader.open(fresh.resolve("feat3"));
                Backbone b = Backbone.open(CONVNEXT, Device.cpu(), List.of("feat3"));
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertEquals(12, f3.size());
            assertEquals(
                    List.of("grayscale", "resized", "rotation_90"),
                    org.featmap.ml.features.FeaturePartitions.present(out.resolve("feat3")).stream()
                            .map(p -> p.getFileName().toString())
                            .toList());
            assertEquals(List.of(7, 12), List.of(f3.sampleId(6), f3.sampleId(11)));
            Preprocess pre = Preprocess.of(b.manifest());
            for (int row : new int[] {0, 6, 11}) {
                float[] x = pre.toChw(FeatureImageDecoder.decode(images.resolve(f3.path(row))));
                NDArray ref = b.forward(m.create(x, new Shape(1, 3, 288, 288))).get("feat3");
                float[] expect = ref.toFloatArray(), got = f3.readRow(row), half = h3.readRow(row);
                assertTrue(relL2(got, expect) < 1e-5, "row " + row + " rel L2 " + relL2(got, expect));
                assertTrue(relL2(half, expect) < 1e-3, "float16 row " + row + " rel L2 " + relL2(half, expect));
            }
            FeaturePairDataset pd = f3.pairDataset("rotation_90");
            assertEquals(
                    2, pd.size()); // ids repeat across the two classes: index.json keeps the later rows (spec §3.5)
            assertEquals("rotation_90", pd.manipulation(0));
            assertEquals(pd.originalId(0), f3.originalId(pd.pairs().manipulatedRow()[0]));
        }
    }

    static double relL2(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (double) (a[i] - b[i]) * (a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
