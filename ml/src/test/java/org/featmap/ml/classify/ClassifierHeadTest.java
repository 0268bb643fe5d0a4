package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierHeadTest {

    static HeadFiles.Sidecar sidecar(int c, int k, String layer, String sha) {
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < k; i++) classes.add("c" + i);
        return new HeadFiles.Sidecar(
                "convnext", "convnext_atto", sha, layer, c, k, true, 1e-6, 0.3, classes, false, 0, 0, "x");
    }

    @Test
    void initIsTimmLike() {
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead h = new ClassifierHead(256, 40, true, 1).init(m);
            NDList p = h.namedArrays();
            assertEquals(
                    List.of("head.norm.weight", "head.norm.bias", "head.fc.weight", "head.fc.bias"),
                    p.stream().map(NDArray::getName).toList());
            float[] w = p.get(2).toFloatArray();
            double s = 0, s2 = 0;
            for (float v : w) {
                s += v;
                s2 += v * v;
            }
            double mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
            assertEquals(0, mean, 0.001);
            assertEquals(0.02, std, 0.0005); // 10240 draws: sampling error of the std ≈ 1.4e-4
            for (float v : p.get(3).toFloatArray()) assertEquals(0f, v);
            for (float v : p.get(1).toFloatArray()) assertEquals(0f, v);
            for (float v : p.get(0).toFloatArray()) assertEquals(1f, v);
            assertEquals(new Shape(40, 256), p.get(2).getShape());
        }
    }

    @Test
    void forwardPoolsNormalisesAndProjects() {
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 8, k = 5;
            ClassifierHead h = new ClassifierHead(c, k, true, 3).init(m);
            NDArray x = m.randomNormal(new Shape(2, c, 3, 4));
            NDArray out = h.logits(x, null);
            assertEquals(new Shape(2, k), out.getShape());
            // reference in plain Java: mean over H·W, LayerNorm (biased var, eps 1e-6, w=1 b=0), W·h + 0
            float[] xv = x.toFloatArray(), wv = h.namedArrays().get(2).toFloatArray(), got = out.toFloatArray();
            for (int b = 0; b < 2; b++) {
                double[] pooled = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < 12; i++) pooled[ch] += xv[(b * c + ch) * 12 + i];
                    pooled[ch] /= 12;
                }
                double mu = 0, var = 0;
                for (double v : pooled) mu += v / c;
                for (double v : pooled) var += (v - mu) * (v - mu) / c;
                for (int j = 0; j < k; j++) {
                    double z = 0;
                    for (int ch = 0; ch < c; ch++) z += wv[j * c + ch] * (pooled[ch] - mu) / Math.sqrt(var + 1e-6);
                    assertEquals(z, got[b * k + j], 1e-5);
                }
            }
            // pooled input gives the same logits; an all-zero dropout mask leaves only the bias (0)
            NDArray pooledIn = ClassifierHead.pool(x);
            assertArrayEquals(got, h.logits(pooledIn, null).toFloatArray(), 1e-6f);
            for (float v : h.logits(x, m.zeros(new Shape(2, c))).toFloatArray()) assertEquals(0f, v);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> h.logits(m.zeros(new Shape(2, c + 1, 3, 3)), null));
            assertFalse(e.getMessage().contains("\n"));
            // no-norm (SwinV2) head: logits = W·mean + b
            ClassifierHead swin = new ClassifierHead(c, k, false, 3).init(m);
            assertEquals(2, swin.namedArrays().size());
            assertEquals(new Shape(2, k), swin.logits(x, null).getShape());
        }
    }

    @Test
    void savesAndLoadsParamsAndSafetensors(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ClassifierHead h = new ClassifierHead(16, 4, true, 9).init(m);
            h.namedArrays().get(1).addi(0.25f); // make norm bias non-trivial
            HeadFiles.write(tmp, h, sidecar(16, 4, "feat3", "abc"));
            NDArray x = m.randomNormal(new Shape(3, 16, 2, 2));
            ClassifierHead back = HeadFiles.load(tmp, m);
            assertArrayEquals(
                    h.logits(x, null).toFloatArray(), back.logits(x, null).toFloatArray());
            try (InputStream in = Files.newInputStream(tmp.resolve(HeadFiles.SAFETENSORS))) {
                NDList st = NDList.decode(m, in);
                assertEquals(4, st.size());
                NDArray bias = st.stream()
                        .filter(a -> "head.norm.bias".equals(a.getName()))
                        .findFirst()
                        .orElseThrow();
                for (float v : bias.toFloatArray()) assertEquals(0.25f, v);
            }
            assertEquals(
                    List.of("c0", "c1", "c2", "c3"), HeadFiles.readSidecar(tmp).classes());
        }
    }

    /** AV12: the learning rate of each 0-based epoch. */
    @Test
    void lrScheduleMatchesAv12() {
        double[] av12 = {
            1.000000e-03,
            9.046040e-04,
            6.548540e-04,
            3.461460e-04,
            9.639601e-05,
            1.000000e-03,
            9.755527e-04,
            9.046040e-04,
            7.940987e-04,
            6.548540e-04,
            5.005000e-04,
            3.461460e-04,
            2.069013e-04,
            9.639601e-05,
            2.544727e-05
        };
        LrSchedule s = LrSchedule.reference(1e-3);
        for (int e = 0; e < av12.length; e++) assertEquals(av12[e], s.lr(e), 5e-7 * av12[e] + 1e-12, "epoch " + e);
        assertEquals(1e-3, s.lr(15), 1e-15); // third cycle starts at 5 + 10
    }

    @Test
    void stratifiedSplitIsSeededAndProportional() {
        List<TrainImages.Image> imgs = new ArrayList<>();
        int[] per = {40, 25, 35};
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < per[c]; i++) imgs.add(new TrainImages.Image(Path.of(c + "_" + i), c));
        TrainImages.Split a = TrainImages.stratified(imgs, 3, 0.05, 42), b = TrainImages.stratified(imgs, 3, 0.05, 42);
        assertArrayEquals(a.val(), b.val());
        assertEquals(5, a.val().length); // ceil(0.05·100)
        assertEquals(95, a.train().length);
        int[] count = new int[3];
        for (int i : a.val()) count[imgs.get(i).classId()]++;
        assertArrayEquals(
                new int[] {2, 1, 2}, count); // 2.0 / 1.25 / 1.75 → floors 2,1,1 + largest remainder to class 2
        assertFalse(java.util.Arrays.equals(
                a.val(), TrainImages.stratified(imgs, 3, 0.05, 7).val()));
    }

    @Test
    void intendedFilterKeepsOnlySourceDirsWithoutRemoveCar(@TempDir Path tmp) throws Exception {
        for (String f : List.of(
                "b/direct/00001_resized.jpg",
                "b/direct/00001_mirror_h.jpg",
                "a/qwen_gs_1_infsteps_10/00002_Remove_car.jpg",
                "a/qwen_gs_1_infsteps_10/00002_Turn_on_headlights.jpg",
                "a/00002_resized.jpg",
                "a/other/00003_resized.jpg")) {
            Files.createDirectories(tmp.resolve(f).getParent());
            Files.writeString(tmp.resolve(f), "x");
        }
        TrainImages.Listing l = TrainImages.list(tmp);
        assertEquals(List.of("a", "b"), l.classes());
        assertEquals(
                List.of(
                        "a/qwen_gs_1_infsteps_10/00002_Turn_on_headlights.jpg",
                        "b/direct/00001_mirror_h.jpg",
                        "b/direct/00001_resized.jpg"),
                l.images().stream()
                        .map(i -> tmp.relativize(i.file()).toString())
                        .toList());
        assertEquals(
                List.of(0, 1, 1),
                l.images().stream().map(TrainImages.Image::classId).toList());
    }

    @Test
    void augmentationFlipsAndCropsInsideTheImage() {
        byte[] px = new byte[5 * 2 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) i;
        RgbImage img = new RgbImage(5, 2, px);
        RgbImage f = TrainAugment.flip(img);
        assertEquals(img.get(0, 1, 2), f.get(4, 1, 2));
        assertArrayEquals(img.rgb(), TrainAugment.flip(f).rgb());
        TrainAugment aug = new TrainAugment(32);
        SplittableRandom r = new SplittableRandom(5);
        Random check = new Random(1);
        for (int t = 0; t < 500; t++) {
            int w = 20 + check.nextInt(300), h = 20 + check.nextInt(300);
            int[] box = aug.cropBox(w, h, r);
            assertTrue(
                    box[0] >= 0
                            && box[1] >= 0
                            && box[2] > 0
                            && box[3] > 0
                            && box[0] + box[2] <= w
                            && box[1] + box[3] <= h,
                    java.util.Arrays.toString(box));
            double ratio = (double) box[2] / box[3], areaFrac = (double) box[2] * box[3] / (w * h);
            assertTrue(areaFrac <= 1.0 + 1e-9);
            if (w == box[2] && h == box[3]) continue; // fallback whole image
            assertTrue(ratio > 0.6 && ratio < 1.6, "ratio " + ratio);
        }
        RgbImage big = new RgbImage(64, 48, new byte[64 * 48 * 3]);
        RgbImage out = aug.apply(big, new SplittableRandom(3));
        assertEquals(32, out.width());
        assertEquals(32, out.height());
        assertArrayEquals(aug.apply(big, new SplittableRandom(3)).rgb(), out.rgb());
    }
}
