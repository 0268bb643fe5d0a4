package org.featmap.ml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.featmap.ml.eval.MetricFixtures;
import org.junit.jupiter.api.Test;

class WxbMetricsTest {
    // W = [[1,0],[0,2]], b = (1,1); tokens (1,0), (0,1), (1,1) as a CHW map with C=2, N=3
    private static final float[] W = {1, 0, 0, 2};
    private static final float[] B = {1, 1};
    private static final float[] X = {1, 0, 1, 0, 1, 1};

    @Test
    void av16Intended() {
        WxbMetrics.Result r = WxbMetrics.compute(W, B, X, 2, 3, false);
        assertEquals(2.0, r.wxNorm(), 1e-7);
        assertEquals(3.1622777, r.fullNorm(), 1e-7);
        assertEquals(1.4142135, r.biasNorm(), 1e-7);
        assertEquals(1.4142135, r.biasEffect(), 1e-7);
        assertEquals(0.4472136, r.biasEffectShare(), 1e-7);
        assertEquals(0.6324555, r.wxShare(), 1e-7);
        assertEquals(0.4472136, r.biasShare(), 1e-7);
        assertEquals(0.9486833, r.cosineSimilarity(), 1e-7);
        assertEquals(0.6324555, r.inputDominance(), 1e-7);
        assertEquals(0.5811388, r.relativeBiasShift(), 1e-7);
    }

    @Test
    void av16ReferenceDoubleBias() {
        WxbMetrics.Result r = WxbMetrics.compute(W, B, X, 2, 3, true);
        assertEquals(3.1622777, r.wxNorm(), 1e-7);
        assertEquals(4.472136, r.fullNorm(), 1e-6);
        assertEquals(0.3162278, r.biasEffectShare(), 1e-7);
        assertEquals(0.7071068, r.wxShare(), 1e-7);
        assertEquals(0.3162278, r.biasShare(), 1e-7);
        assertEquals(0.9922779, r.cosineSimilarity(), 1e-7);
        assertEquals(0.4142136, r.relativeBiasShift(), 1e-7);
        assertEquals(1.4142135, r.biasNorm(), 1e-7);
        assertEquals(1.4142135, r.biasEffect(), 1e-7);
    }

    @Test
    void av16SampleIdAndModelName() {
        assertEquals(
                "6bd30d5d1300f8486073ce3f3f0875bb",
                WxbMetrics.sampleId("STANFORD_CARS", "convnext", "feat3", "direct", 12, 15));
        assertEquals("linear_rotation_90", WxbMetrics.modelName("geom_tf_apply_group", "rotation_90"));
        assertEquals("linear", WxbMetrics.modelName("direct", "grayscale"));
    }

    @Test
    void matchesTorchFixtureBothVariants() {
        JsonNode f = MetricFixtures.load("cosine_wxb_features.json").get("wxb");
        float[] w = MetricFixtures.floats(f.get("weight"));
        float[] b = MetricFixtures.floats(f.get("bias"));
        float[] x = MetricFixtures.floats(f.get("map"));
        int cin = f.get("cin").asInt(), n = f.get("n").asInt();
        for (boolean ref : new boolean[] {false, true}) {
            Map<String, Double> got = WxbMetrics.compute(w, b, x, cin, n, ref).asMap();
            JsonNode exp = f.get(ref ? "reference_double_bias" : "intended");
            for (String k : WxbMetrics.METRICS) {
                double e = exp.get(k).asDouble();
                // torch computed in float32: relative 1e-6
                assertEquals(e, got.get(k), 2e-6 * Math.max(1, Math.abs(e)), k + (ref ? " (B15)" : ""));
            }
        }
    }

    @Test
    void samplePairsSortsDedupesAndDraws() {
        long[][] pairs = {{5, 9}, {1, 2}, {5, 3}, {1, 2}, {0, 7}};
        long[][] got = WxbMetrics.samplePairs(pairs, 2, (n, k) -> {
            assertEquals(4, n);
            assertEquals(2, k);
            return new int[] {3, 0};
        });
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {5, 9}, got[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {0, 7}, got[1]);
    }
}
