package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FeatureMetricsTest {

    @Test
    void streamingOverBatchesMatchesNumpy() {
        JsonNode f = MetricFixtures.load("cosine_wxb_features.json").get("features");
        int b = f.get("b").asInt(),
                c = f.get("c").asInt(),
                h = f.get("h").asInt(),
                w = f.get("w").asInt();
        float[] mapped = MetricFixtures.floats(f.get("mapped"));
        float[] target = MetricFixtures.floats(f.get("target"));
        int per = c * h * w;
        FeatureMetrics acc = new FeatureMetrics(c, h, w);
        acc.add(Arrays.copyOfRange(mapped, 0, 2 * per), Arrays.copyOfRange(target, 0, 2 * per), 2);
        acc.add(Arrays.copyOfRange(mapped, 2 * per, b * per), Arrays.copyOfRange(target, 2 * per, b * per), b - 2);
        FeatureMetrics.Result r = acc.result();
        assertEquals(b, r.samples());
        assertEquals((long) b * h * w, r.tokens());
        assertEquals(f.get("mse").asDouble(), r.mse(), 1e-9 * f.get("mse").asDouble());
        assertEquals(f.get("sst").asDouble(), r.sst(), 1e-9 * f.get("sst").asDouble());
        assertEquals(f.get("r2").asDouble(), r.r2(), 1e-9);
        assertEquals(f.get("mean_cos").asDouble(), r.meanTokenCosine(), 1e-6);
        assertEquals(f.get("median_cos").asDouble(), r.medianTokenCosine(), 1e-6);
    }

    @Test
    void perfectAndMeanPredictors() {
        float[] t = {1, 2, 3, 4, 10, 20, 30, 40}; // B=2, C=2, H=1, W=2
        FeatureMetrics perfect = new FeatureMetrics(2, 1, 2);
        perfect.add(t, t, 2);
        assertEquals(1.0, perfect.result().r2(), 1e-12);
        assertEquals(0.0, perfect.result().mse(), 0);
        // predicting each channel's mean (ch0: 1,2,10,20 -> 8.25; ch1: 3,4,30,40 -> 19.25) scores R² = 0
        float[] mean = {8.25f, 8.25f, 19.25f, 19.25f, 8.25f, 8.25f, 19.25f, 19.25f};
        FeatureMetrics m = new FeatureMetrics(2, 1, 2);
        m.add(mean, t, 2);
        assertEquals(0.0, m.result().r2(), 1e-12);
        assertThrows(IllegalStateException.class, () -> new FeatureMetrics(2, 1, 2).result());
    }
}
