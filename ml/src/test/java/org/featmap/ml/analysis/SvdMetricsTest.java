package org.featmap.ml.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.featmap.ml.eval.MetricFixtures;
import org.junit.jupiter.api.Test;

class SvdMetricsTest {

    @Test
    void av14Spectrum321() {
        SvdMetrics.Result r = SvdMetrics.of(new double[] {3, 2, 1});
        assertEquals(3, r.rank());
        assertEquals(3.0, r.spectralNorm());
        assertEquals(3.741657386774075, r.frobeniusNorm(), 1e-12);
        assertEquals(0.40824829046365885, r.rmseFromOne(), 1e-12);
        assertEquals(33.33333333333333, r.nearOnePct(), 1e-12);
        assertEquals(2.2944007824137977, r.effectiveRank(), 1e-12);
        assertEquals(0.8304717124333039, r.spectralEntropy(), 1e-12);
        assertEquals(0.6428571428570969, r.energyConcentration(), 1e-12);
        assertEquals(0.6428571428570969, r.top1Var(), 1e-12);
        assertEquals(0.9999999999999286, r.top5Var(), 1e-12);
        assertEquals(0.9999999999999286, r.top10Var(), 1e-12);
    }

    @Test
    void av14Weight1234Float32() {
        double[] s = SvdMetrics.singularValues(new float[] {1, 2, 3, 4}, 2, 2);
        // numpy float32 SVD: 5.4649858474731445, 0.36596620082855225 (float32 agreement: a few ulps)
        assertArrayEquals(new double[] {5.4649858474731445, 0.36596620082855225}, s, 2e-6);
        SvdMetrics.Result r = SvdMetrics.of(s);
        assertEquals(1.0290272344719116, r.effectiveRank(), 1e-6);
        assertEquals(0.02861392343258451, r.spectralEntropy(), 1e-6);
        assertEquals(0.9955356248957872, r.top1Var(), 1e-6);
        assertEquals(5.477225718667403, r.frobeniusNorm(), 1e-6);
        assertEquals(0.8744746319990688, r.rmseFromOne(), 1e-6);
        assertEquals(0.0, r.nearOnePct());
    }

    @Test
    void av14IdentityAndDiag1110() {
        float[] eye = new float[16];
        for (int i = 0; i < 4; i++) eye[i * 5] = 1;
        SvdMetrics.Result r = SvdMetrics.ofWeight(eye, 4, 4);
        assertEquals(3.999999999983614, r.effectiveRank(), 1e-12);
        assertEquals(1.386294361115794, r.spectralEntropy(), 1e-12);
        assertEquals(0.2499999999999375, r.top1Var(), 1e-12);
        assertEquals(100.0, r.nearOnePct());
        assertEquals(1.000088900582341e-12, r.rmseFromOne(), 1e-15);
        assertEquals(4, r.rank());
        float[] d = eye.clone();
        d[15] = 0;
        SvdMetrics.Result q = SvdMetrics.ofWeight(d, 4, 4);
        assertEquals(3, q.rank());
        assertEquals(2.9999999999909015, q.effectiveRank(), 1e-12);
        assertEquals(0.577350269188856, q.rmseFromOne(), 1e-12);
        assertEquals(0.0, q.nearOnePct());
        assertEquals(1.732050807569166, q.frobeniusNorm(), 1e-12);
    }

    @Test
    void rankOneHasEffectiveRankOne() {
        float[] u = {1, -2, 0.5f, 3, 1};
        float[] v = {0.5f, 1, -1, 2, 0.25f};
        float[] w = new float[25];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) w[i * 5 + j] = u[i] * v[j];
        SvdMetrics.Result r = SvdMetrics.ofWeight(w, 5, 5);
        assertEquals(1, r.rank());
        assertEquals(1.0, r.effectiveRank(), 1e-6);
        assertEquals(1.0, r.top1Var(), 1e-6);
    }

    @Test
    void randomOrthogonalFactorsKeepTheKnownSpectrum() {
        int n = 12;
        Random rnd = new Random(17);
        double[][] u = randomOrthogonal(n, rnd);
        double[][] v = randomOrthogonal(n, rnd);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = 3.0 / (i + 1);
        float[] w = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int k = 0; k < n; k++) acc += u[i][k] * s[k] * v[j][k];
                w[i * n + j] = (float) acc;
            }
        double[] got = SvdMetrics.singularValues(w, n, n);
        assertArrayEquals(s, got, 2e-6 * s[0]);
        SvdMetrics.Result exp = SvdMetrics.of(s);
        SvdMetrics.Result r = SvdMetrics.of(got);
        assertEquals(exp.effectiveRank(), r.effectiveRank(), 1e-5);
        assertEquals(exp.top5Var(), r.top5Var(), 1e-6);
    }

    /** Gram–Schmidt of a Gaussian matrix. */
    private static double[][] randomOrthogonal(int n, Random rnd) {
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) c[i] = rnd.nextGaussian();
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += c[i] * q[i][k];
                for (int i = 0; i < n; i++) c[i] -= dot * q[i][k];
            }
            double norm = 0;
            for (double x : c) norm += x * x;
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[i][j] = c[i] / norm;
        }
        return q;
    }

    @Test
    void matchesNumpyFixtures() {
        for (JsonNode c : MetricFixtures.load("svd.json").get("cases")) {
            String name = c.get("name").asText();
            double[] s = SvdMetrics.singularValues(
                    MetricFixtures.floats(c.get("w")),
                    c.get("rows").asInt(),
                    c.get("cols").asInt());
            double[] exp = MetricFixtures.doubles(c.get("s_numpy_float32"));
            // float32 SVDs (EJML vs LAPACK sgesdd) agree to a few ulps of S_1
            assertArrayEquals(exp, s, 4e-6 * exp[0], name);
            SvdMetrics.Result fromNumpyS = SvdMetrics.of(exp);
            JsonNode m = c.get("metrics");
            // metrics on identical S: float64 formula parity (spec §12.5: 1e-9)
            assertEquals(m.get("rank").asInt(), fromNumpyS.rank(), name);
            assertEquals(m.get("effective_rank").asDouble(), fromNumpyS.effectiveRank(), 1e-9, name);
            assertEquals(m.get("spectral_entropy").asDouble(), fromNumpyS.spectralEntropy(), 1e-9, name);
            assertEquals(m.get("rmse_from_one").asDouble(), fromNumpyS.rmseFromOne(), 1e-9, name);
            assertEquals(m.get("near_one_pct").asDouble(), fromNumpyS.nearOnePct(), 1e-9, name);
            assertEquals(m.get("frobenius_norm").asDouble(), fromNumpyS.frobeniusNorm(), 1e-9, name);
            assertEquals(m.get("top5_var").asDouble(), fromNumpyS.top5Var(), 1e-9, name);
            assertEquals(m.get("top10_var").asDouble(), fromNumpyS.top10Var(), 1e-9, name);
            // end to end from W: float32-SVD tolerance
            SvdMetrics.Result fromW = SvdMetrics.of(s);
            assertEquals(m.get("effective_rank").asDouble(), fromW.effectiveRank(), 1e-5 * fromW.effectiveRank(), name);
            assertEquals(m.get("top1_var").asDouble(), fromW.top1Var(), 1e-5, name);
        }
    }
}
