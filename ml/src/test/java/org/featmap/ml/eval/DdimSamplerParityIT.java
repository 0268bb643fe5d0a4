package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java DDIM loop against python/parity/ddim_parity.py: same tiny TorchScript ε-network and
 * decoder, same x_T, same contexts and hint → same latent (rel. L2 ≤ 1e-5) and same uint8 image
 * (±1 where float rounding differs before truncation).
 */
class DdimSamplerParityIT {
    private static JsonNode fx;
    private static Path dir;

    @BeforeAll
    static void load() throws Exception {
        dir = resourceDir();
        fx = new ObjectMapper().readTree(dir.resolve("ddim.json").toFile());
    }

    private static Path resourceDir() throws URISyntaxException {
        return Path.of(DdimSamplerParityIT.class
                        .getResource("/fixtures/ddim/ddim.json")
                        .toURI())
                .getParent();
    }

    private static long[] shape(JsonNode n) {
        long[] s = new long[n.size()];
        for (int i = 0; i < s.length; i++) s[i] = n.get(i).asLong();
        return s;
    }

    @Test
    void matchesPyTorchLoopTwoCalls() throws Exception {
        run(false);
    }

    @Test
    void matchesPyTorchLoopBatchedGuidance() throws Exception {
        run(true);
    }

    @Test
    void reconstructorFromManifestGivesTheSameImage() throws Exception {
        Path manifest = dir.resolve("featinv_manifest.json");
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FeatInvReconstructor rec = FeatInvReconstructor.open(manifest)) {
            Shape latent = new Shape(shape(fx.get("latent_shape")));
            NDArray xT = m.create(MetricFixtures.floats(fx.get("x_T")), latent);
            NDArray feats = m.create(MetricFixtures.floats(fx.get("hint")), latent);
            RgbImage img = rec.reconstruct(feats, xT, Progress.NONE).images().get(0);
            int[] hwc = MetricFixtures.ints(fx.get("image_hwc"));
            for (int i = 0; i < hwc.length; i++)
                assertTrue(Math.abs((img.rgb()[i] & 0xFF) - hwc[i]) <= 1, "value " + i);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> rec.manifest().requireLayer("convnext", "feat3", 1024, 9, 9));
            assertTrue(e.getMessage().contains("tiny/feat_tiny"), e.getMessage());
        }
        java.io.IOException missing = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class, () -> FeatInvManifest.read(dir.resolve("no_such_manifest.json")));
        assertTrue(missing.getMessage().contains("no_such_manifest.json"));
    }

    private void run(boolean batched) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                TorchScriptModule eps = TorchScriptModule.load(dir.resolve("tiny_eps.pt"));
                TorchScriptModule dec = TorchScriptModule.load(dir.resolve("tiny_decoder.pt"))) {
            Shape latent = new Shape(shape(fx.get("latent_shape")));
            Shape ctx = new Shape(shape(fx.get("context_shape")));
            NDArray xT = m.create(MetricFixtures.floats(fx.get("x_T")), latent);
            NDArray cond = m.create(MetricFixtures.floats(fx.get("cond")), ctx);
            NDArray uncond = m.create(MetricFixtures.floats(fx.get("uncond")), ctx);
            NDArray hint = m.create(MetricFixtures.floats(fx.get("hint")), latent);
            List<long[]> reports = new ArrayList<>();
            Progress p = (d, t, c) -> reports.add(new long[] {d, t});
            DdimSampler sampler = new DdimSampler(eps, dec, new DdimSampler.Options(50, 1.75f, batched));
            DdimSampler.Result r = sampler.sample(xT, cond, uncond, hint, p);

            float[] exp = MetricFixtures.floats(fx.get("final_latent"));
            float[] got = r.latent();
            assertEquals(exp.length, got.length);
            double num = 0, den = 0;
            for (int i = 0; i < exp.length; i++) {
                num += (got[i] - exp[i]) * (double) (got[i] - exp[i]);
                den += exp[i] * (double) exp[i];
            }
            double relL2 = Math.sqrt(num / den);
            assertTrue(relL2 <= 1e-5, "latent rel L2 " + relL2);

            RgbImage img = r.images().get(0);
            int[] hwc = MetricFixtures.ints(fx.get("image_hwc"));
            assertEquals((int) fx.get("image_shape").get(1).asInt(), img.height());
            assertEquals((int) fx.get("image_shape").get(2).asInt(), img.width());
            int off = 0;
            for (int i = 0; i < hwc.length; i++) {
                int d = Math.abs((img.rgb()[i] & 0xFF) - hwc[i]);
                assertTrue(d <= 1, "pixel value " + i + " differs by " + d);
                if (d != 0) off++;
            }
            System.out.printf(
                    "DDIM parity (%s): latent rel L2 %.3e, %d of %d image values off by 1%n",
                    batched ? "batched guidance" : "two calls", relL2, off, hwc.length);
            assertEquals(51, reports.size());
            assertTrue(xT.isReleased() == false, "caller's x_T must stay usable");
        }
    }
}
