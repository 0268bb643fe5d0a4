package org.featmap.ml.analysis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W·x versus bias dominance of a per-token linear map on one feature map (spec §9.1, AV16).
 * Intended quantities: a_t = W x_t, f_t = W x_t + b. With {@code referenceDoubleBias} the reference's
 * behaviour (spec §11 B15: a_t = W x_t + b, f_t = W x_t + 2b) is reproduced so that published numbers
 * can be compared. All medians are torch's lower medians; eps = 1e-8; float64 accumulation.
 */
public final class WxbMetrics {
    public static final double EPS = 1e-8;

    /** Metric names in the order the long-format CSV lists them. */
    public static final List<String> METRICS = List.of(
            "wx_norm",
            "full_norm",
            "bias_norm",
            "bias_effect",
            "wx_share",
            "bias_share",
            "bias_effect_share",
            "cosine_similarity",
            "input_dominance",
            "relative_bias_shift");

    /** CSV columns of wxb_metrics_<backbone>.csv. */
    public static final List<String> CSV_COLUMNS =
            List.of("sample_id", "dataset", "backbone", "feature", "model", "group", "manipulation", "metric", "value");

    public record Result(
            double wxNorm,
            double fullNorm,
            double biasNorm,
            double biasEffect,
            double wxShare,
            double biasShare,
            double biasEffectShare,
            double cosineSimilarity,
            double inputDominance,
            double relativeBiasShift) {

        /** Metric name → value in {@link #METRICS} order. */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            double[] v = {
                wxNorm,
                fullNorm,
                biasNorm,
                biasEffect,
                wxShare,
                biasShare,
                biasEffectShare,
                cosineSimilarity,
                inputDominance,
                relativeBiasShift
            };
            for (int i = 0; i < v.length; i++) m.put(METRICS.get(i), v[i]);
            return m;
        }
    }

    private WxbMetrics() {}

    /**
     * @param weight row-major C_out×C_in float32 (torch Linear weight layout)
     * @param bias C_out
     * @param map one source feature map, float32 CHW with C_in channels and n = H·W tokens
     */
    public static Result compute(
            float[] weight, float[] bias, float[] map, int cIn, int n, boolean referenceDoubleBias) {
        int cOut = bias.length;
        if (weight.length != cOut * cIn)
            throw new IllegalArgumentException("weight has " + weight.length + " values, expected " + cOut + "x" + cIn);
        if (map.length != cIn * n)
            throw new IllegalArgumentException(
                    "feature map has " + map.length + " values, expected C=" + cIn + " x N=" + n);
        double[] aNorm = new double[n];
        double[] fNorm = new double[n];
        double[] diffNorm = new double[n];
        double[] cos = new double[n];
        double[] a = new double[cOut];
        double aBias = referenceDoubleBias ? 1 : 0;
        double fBias = aBias + 1;
        for (int t = 0; t < n; t++) {
            double na = 0, nf = 0, nd = 0, dot = 0;
            for (int o = 0; o < cOut; o++) {
                double s = 0;
                int wo = o * cIn;
                for (int i = 0; i < cIn; i++) s += (double) weight[wo + i] * map[i * n + t];
                double av = s + aBias * bias[o];
                double fv = s + fBias * bias[o];
                a[o] = av;
                na += av * av;
                nf += fv * fv;
                nd += (fv - av) * (fv - av);
                dot += av * fv;
            }
            aNorm[t] = Math.sqrt(na);
            fNorm[t] = Math.sqrt(nf);
            diffNorm[t] = Math.sqrt(nd);
            cos[t] = dot / (aNorm[t] * fNorm[t] + EPS);
        }
        double bn = 0;
        for (float v : bias) bn += (double) v * v;
        bn = Math.sqrt(bn);
        double wx = lowerMedian(aNorm);
        double full = lowerMedian(fNorm);
        double effect = lowerMedian(diffNorm);
        return new Result(
                wx,
                full,
                bn,
                effect,
                wx / (full + EPS),
                bn / (full + EPS),
                effect / (full + EPS),
                lowerMedian(cos),
                wx / (full + EPS),
                (full - wx) / (wx + EPS));
    }

    /** MD5 hex of "DATASET|backbone|featK|group|o_idx|m_idx" (spec §9.1 sample_id). */
    public static String sampleId(
            String dataset, String backbone, String featureKey, String group, long oIdx, long mIdx) {
        String key = dataset + "|" + backbone + "|" + featureKey + "|" + group + "|" + oIdx + "|" + mIdx;
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** The CSV's model column: linear_<manip> for groups whose name contains "apply", else linear. */
    public static String modelName(String group, String manipulation) {
        return group.contains("apply") ? "linear_" + manipulation : "linear";
    }

    /**
     * Which of a manipulation's pairs are analysed (spec §9.1, at most 200): the reference samples a
     * hash-ordered list with Python's random (not reproducible); here the pairs are sorted by
     * (o_idx, m_idx), de-duplicated, and {@code min(max, n)} are drawn with the given chooser
     * (numpy default_rng(42).choice semantics when wired to NumpyDefaultRng). Returns the chosen
     * (o_idx, m_idx) pairs in draw order.
     */
    public static long[][] samplePairs(long[][] pairs, int max, org.featmap.ml.eval.TestSelection.Chooser chooser) {
        java.util.TreeSet<long[]> sorted =
                new java.util.TreeSet<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (long[] p : pairs) {
            if (p.length != 2)
                throw new IllegalArgumentException("a pair must be (o_idx, m_idx), got " + p.length + " values");
            sorted.add(p);
        }
        long[][] all = sorted.toArray(new long[0][]);
        int k = Math.min(max, all.length);
        int[] idx = chooser.choose(all.length, k);
        long[][] out = new long[k][];
        for (int i = 0; i < k; i++) out[i] = all[idx[i]].clone();
        return out;
    }

    static double lowerMedian(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }
}
