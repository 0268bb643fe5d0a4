package org.featmap.ml.normstats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.rng.NumpyDefaultRng;

/**
 * Computes the "resized" normalisation statistics of spec §4.2 (the evident intent; the reference
 * helper slices one channel too deep and crashes — spec §11 B7).
 */
public final class NormStatsStage {
    public static final int MAX_SAMPLES = 200;
    public static final long SEED = 42;
    public static final String RESIZED = "resized";

    private NormStatsStage() {}

    /** Rows used, in the order numpy's default_rng(42).choice picks them. */
    public static int[] selectRows(FeatureRows rows) {
        List<Integer> resized = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) {
            if (RESIZED.equals(rows.manipulation(r))) {
                resized.add(r);
            }
        }
        int n = Math.min(MAX_SAMPLES, resized.size());
        int[] pos = new NumpyDefaultRng(SEED).choiceWithoutReplacement(resized.size(), n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = resized.get(pos[i]);
        }
        return out;
    }

    public static NormStats compute(FeatureRows rows, String featKey, String source, Progress progress)
            throws IOException {
        int[] sel = selectRows(rows);
        if (sel.length < 1) {
            throw new IllegalArgumentException(
                    "norm stats " + source + "/" + featKey + ": no row with manipulation 'resized'");
        }
        int c = rows.channels();
        int hw = rows.height() * rows.width();
        long count = (long) sel.length * hw;
        if (count < 2) {
            throw new IllegalArgumentException(
                    "norm stats " + source + "/" + featKey + ": need at least 2 values per channel, have " + count);
        }
        // Two-pass in double: the unbiased std divides by n·H·W − 1 (spec §4.2 step 4).
        double[] sum = new double[c];
        float[] buf = new float[c * hw];
        for (int i = 0; i < sel.length; i++) {
            rows.read(sel[i], buf, 0);
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int p = 0; p < hw; p++) {
                    s += buf[ch * hw + p];
                }
                sum[ch] += s;
            }
            progress.report(i + 1, 2L * sel.length, null);
        }
        double[] mean = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sum[ch] / count;
        }
        double[] sq = new double[c];
        for (int i = 0; i < sel.length; i++) {
            rows.read(sel[i], buf, 0);
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                double mu = mean[ch];
                for (int p = 0; p < hw; p++) {
                    double d = buf[ch * hw + p] - mu;
                    s += d * d;
                }
                sq[ch] += s;
            }
            progress.report(sel.length + i + 1, 2L * sel.length, null);
        }
        float[] m = new float[c];
        float[] sd = new float[c];
        for (int ch = 0; ch < c; ch++) {
            m[ch] = (float) mean[ch];
            // torch adds 1e-6 to the float32 std
            sd[ch] = (float) Math.sqrt(sq[ch] / (count - 1)) + 1e-6f;
        }
        return new NormStats(m, sd, sel.length, featKey, source);
    }
}
