package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CosineMetricsTest {

    @Test
    void av8LowerMedianOfTwoPositions() {
        // C=2, H=1, W=2: prediction tokens (1,0),(0,2); target (1,1),(0,-1)
        float[] p = {1, 0, 0, 2};
        float[] t = {1, 0, 1, -1};
        assertArrayEquals(new double[] {0.70710677, -1.0}, CosineMetrics.perPosition(p, t, 2, 1, 2), 1e-7);
        assertEquals(-1.0, CosineMetrics.medianCosine(p, t, 2, 1, 2), 1e-12);
    }

    @Test
    void emptyMaskGivesZero() {
        float[] p = {1, 0, 0, 2};
        assertEquals(0.0, CosineMetrics.maskedMedianCosine(p, p, 2, 1, 2, new boolean[2]));
        assertEquals(1.0, CosineMetrics.maskedMedianCosine(p, p, 2, 1, 2, new boolean[] {false, true}), 1e-12);
    }

    @Test
    void matchesTorchFixture() {
        JsonNode f = MetricFixtures.load("cosine_wxb_features.json").get("cosine");
        int c = f.get("c").asInt(), h = f.get("h").asInt(), w = f.get("w").asInt();
        float[] a = MetricFixtures.floats(f.get("a"));
        float[] b = MetricFixtures.floats(f.get("b"));
        double[] cos = CosineMetrics.perPosition(a, b, c, h, w);
        double[] exp = MetricFixtures.doubles(f.get("cos"));
        for (int i = 0; i < cos.length; i++)
            assertEquals(exp[i], cos[i], 1e-6 * Math.max(1, Math.abs(exp[i])), "pos " + i);
        assertEquals(0.0, cos[0], 0); // zero vector at (0,0): eps keeps it finite
        assertEquals(f.get("median").asDouble(), CosineMetrics.medianCosine(a, b, c, h, w), 1e-6);
        int[] m = MetricFixtures.ints(f.get("mask"));
        boolean[] mask = new boolean[m.length];
        for (int i = 0; i < m.length; i++) mask[i] = m[i] != 0;
        assertEquals(f.get("masked_median").asDouble(), CosineMetrics.maskedMedianCosine(a, b, c, h, w, mask), 1e-6);
        assertEquals(f.get("mean").asDouble(), CosineMetrics.meanCosine(a, b, c, h, w), 1e-6);
    }
}
