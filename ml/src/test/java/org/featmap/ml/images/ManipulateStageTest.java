package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManipulateStageTest {

    @Test
    void writesTheReferenceLayoutAndCollectsPerImageFailures(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("SYN");
        SyntheticDataset.generate(data, 2, 3, 1, 7L, 96);
        // one corrupt and one zero-byte image: they fail, the rest completes
        Path cls = data.resolve("images/train").resolve(SyntheticDataset.className(0));
        Files.write(cls.resolve("00901.jpg"), "garbage".getBytes());
        Files.write(cls.resolve("00902.jpg"), new byte[0]);
        Files.write(cls.resolve("README.txt"), "x".getBytes());
        List<long[]> progress = new ArrayList<>();
        ManipulateOptions o = ManipulateOptions.defaults(data, "train", tmp.resolve("out"))
                .withThreads(2)
                .withProgress((d, t, c) -> progress.add(new long[] {d, t}));
        ManipulateReport r = ManipulateStage.run(o);
        assertEquals(8, r.images());
        assertEquals(6, r.imagesDone());
        assertEquals(2, r.failures().size(), r.failures().toString());
        assertTrue(
                r.failures().get(0).contains("00901.jpg: not a decodable image"),
                r.failures().get(0));
        assertTrue(
                r.failures().get(1).contains("00902.jpg: empty file"),
                r.failures().get(1));
        assertEquals(6L * 13, r.filesWritten());
        assertEquals(13, r.perManipulation().size());
        r.perManipulation().values().forEach(v -> assertEquals(6, v));
        assertEquals(1, r.skippedFiles().size());
        assertArrayEquals(new long[] {8, 8}, progress.get(progress.size() - 1));
        Path f = tmp.resolve("out/augmented_train")
                .resolve(SyntheticDataset.className(1))
                .resolve("direct/00004_rotation_90.jpg");
        assertTrue(Files.isRegularFile(f), f.toString());
        RgbImage img = ImageCodec.decode(f);
        assertEquals(288, img.width());
        assertEquals(288, img.height());
    }

    @Test
    void pngModeIsLosslessAndNoiseReproducibleAcrossThreadCounts(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("SYN");
        SyntheticDataset.generate(data, 1, 3, 0, 3L, 120);
        List<Manipulation> ops = List.of(Manipulation.NOISE_40, Manipulation.HUE_SHIFT_60);
        ManipulateOptions base = ManipulateOptions.defaults(data, "train", tmp.resolve("a"))
                .withOps(ops)
                .withFormat(ImageFormat.PNG);
        ManipulateStage.run(base.withThreads(1));
        ManipulateStage.run(
                new ManipulateOptions(data, null, "train", tmp.resolve("b"), ImageFormat.PNG, ops, -1, 2, 288, null));
        Path rel = Path.of("augmented_train", SyntheticDataset.className(0), "direct");
        for (String n : List.of("00002_noise_40.png", "00002_resized.png", "00002_hue_shift_60.png"))
            assertArrayEquals(
                    Files.readAllBytes(tmp.resolve("a").resolve(rel).resolve(n)),
                    Files.readAllBytes(tmp.resolve("b").resolve(rel).resolve(n)),
                    n);
        RgbImage resized = ImageCodec.decode(tmp.resolve("a").resolve(rel).resolve("00002_resized.png"));
        RgbImage hue = ImageCodec.decode(tmp.resolve("a").resolve(rel).resolve("00002_hue_shift_60.png"));
        assertArrayEquals(ColorOps.hueShift(resized, 60).rgb(), hue.rgb(), "PNG keeps the exact pixels");
    }

    @Test
    void pooledOutputsOfEveryImageAndThreadEqualTheUnpooledOps(@TempDir Path tmp) throws Exception {
        // all 12 ops on 6 images over 2 threads: each thread's pool recycles arrays between ops and images, so an
        // array given back too early, or shared between threads, would show in some file
        Path data = tmp.resolve("SYN");
        SyntheticDataset.generate(data, 1, 6, 0, 5L, 120);
        ManipulateStage.run(new ManipulateOptions(
                data,
                null,
                "train",
                tmp.resolve("p"),
                ImageFormat.PNG,
                List.of(Manipulation.values()),
                -1,
                2,
                288,
                null));
        Path dir = tmp.resolve("p")
                .resolve("augmented_train")
                .resolve(SyntheticDataset.className(0))
                .resolve("direct");
        int checked = 0;
        try (var files = Files.list(dir)) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith("_resized.png")).toList()) {
                String id = f.getFileName().toString().replace("_resized.png", "");
                RgbImage resized = ImageCodec.decode(f);
                for (Manipulation m : Manipulation.values()) {
                    if (m.isRandom()) continue;
                    RgbImage got = ImageCodec.decode(dir.resolve(id + "_" + m.fileName() + ".png"));
                    assertArrayEquals(m.apply(resized, 0L).rgb(), got.rgb(), id + " " + m.fileName());
                    checked++;
                }
            }
        }
        assertEquals(6 * 11, checked);
    }
}
