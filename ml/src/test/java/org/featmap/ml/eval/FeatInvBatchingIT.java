package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.featmap.core.contract.Progress;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched FeatInv reconstruction equals one-at-a-time per sample (the tiny exported ε-net and decoder of
 * DdimSamplerParityIT): same final latent within float tolerance (rel. L2 ≤ 1e-5) and the same uint8 image
 * (±1 where rounding differs before truncation), for a shared x_T (the reference's reseeding) and per-sample x_T.
 */
class FeatInvBatchingIT {
    static final Path DIR = Path.of("src", "test", "resources", "fixtures", "ddim");
    static final int N = 5;

    @Test
    void batchedEqualsOneAtATimePerSample() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FeatInvReconstructor rec = FeatInvReconstructor.open(DIR.resolve("featinv_manifest.json"))) {
            Random r = new Random(5);
            NDArray feats = m.create(gaussian(r, N * 4 * 8 * 8), new Shape(N, 4, 8, 8));
            NDArray sharedX = m.create(gaussian(r, 4 * 8 * 8), new Shape(1, 4, 8, 8));
            NDArray perSampleX = m.create(gaussian(r, N * 4 * 8 * 8), new Shape(N, 4, 8, 8));
            for (NDArray xT : new NDArray[] {sharedX, perSampleX}) {
                // one sample per sampler loop, through the lower-level call: latents and images
                List<float[]> singleLatents = new ArrayList<>();
                List<RgbImage> single = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    NDArray x = xT.getShape().get(0) == 1 ? xT : xT.get(i + ":" + (i + 1));
                    DdimSampler.Result one = rec.reconstruct(feats.get(i + ":" + (i + 1)), x, Progress.NONE);
                    singleLatents.add(one.latent());
                    single.add(one.images().get(0));
                }
                // all N in one loop: per-sample latents
                NDArray xAll = xT.getShape().get(0) == 1 ? xT.repeat(0, N) : xT;
                DdimSampler.Result all = rec.reconstruct(feats, xAll, Progress.NONE);
                int per = 4 * 8 * 8;
                double worst = 0;
                for (int i = 0; i < N; i++) {
                    float[] b = java.util.Arrays.copyOfRange(all.latent(), i * per, (i + 1) * per);
                    double rel = relL2(b, singleLatents.get(i));
                    worst = Math.max(worst, rel);
                    assertTrue(rel <= 1e-5, "sample " + i + " latent rel L2 " + rel);
                }
                System.out.printf("FeatInv batch %d vs one at a time: worst latent rel L2 %.2e%n", N, worst);
                assertImagesClose(single, all.images());
                for (int batch : new int[] {1, 2, 4}) {
                    List<Long> reports = new ArrayList<>();
                    List<RgbImage> got = rec.reconstructAll(feats, xT, batch, (d, t, c) -> reports.add(d));
                    assertImagesClose(single, got);
                    assertEquals(N, reports.get(reports.size() - 1));
                }
            }
            // different hints give different images: batching cannot hide a row mix-up
            rec.resetTimings();
            List<RgbImage> imgs = rec.reconstructAll(feats, sharedX, N, Progress.NONE);
            assertEquals(50, rec.timings().epsCalls(), "one sampler loop of 50 steps, one eps call (2N rows) per step");
            rec.resetTimings();
            rec.reconstructAll(feats, sharedX, 2, Progress.NONE);
            assertEquals(150, rec.timings().epsCalls(), "chunks 2+2+1");
            assertTrue(!java.util.Arrays.equals(imgs.get(0).rgb(), imgs.get(1).rgb()));
            assertThrows(IllegalArgumentException.class, () -> rec.reconstructAll(feats, sharedX, 0, Progress.NONE));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> rec.reconstructAll(feats, m.zeros(new Shape(2, 4, 8, 8)), 2, Progress.NONE));
        }
    }

    @Test
    void tracedExportRunsItsOwnBatchAndPadsTheLastChunk(@TempDir Path tmp) throws Exception {
        for (String f : new String[] {"tiny_eps.pt", "tiny_decoder.pt", "cond_context.f32", "uncond_context.f32"})
            Files.copy(DIR.resolve(f), tmp.resolve(f));
        ObjectNode mf = (ObjectNode)
                new ObjectMapper().readTree(DIR.resolve("featinv_manifest.json").toFile());
        mf.put("tracedBatch", 4); // as export_featinv.py --batch 4: 2 reconstructions per call
        new ObjectMapper().writeValue(tmp.resolve("featinv_manifest.json").toFile(), mf);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FeatInvReconstructor traced = FeatInvReconstructor.open(tmp.resolve("featinv_manifest.json"));
                FeatInvReconstructor free = FeatInvReconstructor.open(DIR.resolve("featinv_manifest.json"))) {
            Random r = new Random(9);
            NDArray feats = m.create(gaussian(r, 3 * 4 * 8 * 8), new Shape(3, 4, 8, 8));
            NDArray xT = m.create(gaussian(r, 4 * 8 * 8), new Shape(1, 4, 8, 8));
            List<RgbImage> got = traced.reconstructAll(feats, xT, 2, Progress.NONE); // chunks 2 + 1 (padded)
            assertEquals(3, got.size());
            assertImagesClose(free.reconstructAll(feats, xT, 1, Progress.NONE), got);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> traced.reconstructAll(feats, xT, 3, Progress.NONE));
            assertTrue(e.getMessage().contains("--batch 6"), e.getMessage());
        }
    }

    private static void assertImagesClose(List<RgbImage> want, List<RgbImage> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            byte[] a = want.get(i).rgb(), b = got.get(i).rgb();
            assertEquals(a.length, b.length);
            for (int k = 0; k < a.length; k++)
                assertTrue(Math.abs((a[k] & 0xFF) - (b[k] & 0xFF)) <= 1, "sample " + i + " value " + k);
        }
    }

    private static double relL2(float[] got, float[] exp) {
        assertArrayEquals(new int[] {exp.length}, new int[] {got.length});
        double num = 0, den = 0;
        for (int i = 0; i < exp.length; i++) {
            num += (got[i] - exp[i]) * (double) (got[i] - exp[i]);
            den += exp[i] * (double) exp[i];
        }
        return Math.sqrt(num / den);
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
