package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

/** feat3 cosine metrics on the demo ConvNeXt export vs python/fixtures/cosine/make_feat3_cosine_fixture.py. */
class Feat3CosineTest {
    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");
    static final Path DIR = Path.of("src", "test", "resources", "cosine");

    static boolean[] mask(JsonNode n) {
        boolean[] m = new boolean[n.size()];
        for (int i = 0; i < m.length; i++) m[i] = n.get(i).asBoolean();
        return m;
    }

    @Test
    void matchesTorchAndBatchesConsistently() throws IOException {
        JsonNode exp = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
        RgbImage a = ImageCodec.decode(DIR.resolve("a.png")), b = ImageCodec.decode(DIR.resolve("b.png"));
        try (Feat3Cosine batched = Feat3Cosine.open(CONVNEXT, Device.cpu(), 3);
                Feat3Cosine single = Feat3Cosine.open(CONVNEXT, Device.cpu(), 1)) {
            assertEquals(List.of(256, 9, 9), List.of(batched.channels(), batched.height(), batched.width()));
            assertTrue(batched.maskFits());
            List<float[]> f = batched.features(List.of(a, b, a, b));
            List<float[]> g = single.features(List.of(a, b));
            assertArrayEquals(g.get(0), f.get(0), 1e-4f);
            assertArrayEquals(g.get(1), f.get(3), 1e-4f);
            double[] cos = CosineMetrics.perPosition(f.get(0), f.get(1), 256, 9, 9);
            for (int i = 0; i < cos.length; i++)
                assertEquals(exp.get("cos").get(i).asDouble(), cos[i], 1e-5, "position " + i);
            assertEquals(exp.get("median").asDouble(), batched.median(f.get(0), f.get(1)), 1e-5);
            assertEquals(
                    exp.get("masked_median").asDouble(),
                    batched.maskedMedian(f.get(0), f.get(1), mask(exp.get("mask"))),
                    1e-5);
            assertEquals(
                    exp.get("masked_median2").asDouble(),
                    batched.maskedMedian(f.get(0), f.get(1), mask(exp.get("mask2"))),
                    1e-5);
            assertEquals(
                    0.0,
                    batched.maskedMedian(f.get(0), f.get(1), new boolean[81]),
                    0.0,
                    "empty mask → 0.0 as the reference");
            assertEquals(1.0, batched.median(f.get(0), f.get(2)), 1e-6, "identical images");
        }
    }
}
