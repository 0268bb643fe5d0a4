package org.featmap.ml.eval;

import java.util.Arrays;

/**
 * Feature-space agreement of mapped vs true target maps of one layer over an evaluated set — the
 * measure the reference lacks (issue #6, spec §7.3 "no metric compares mapped vs true target
 * features"). Fed batch by batch; keeps O(C) running sums plus one double per token for the median.
 *
 * <p>Definitions (N = all evaluated samples, tokens = their H·W positions):
 * <ul>
 *   <li>mse = mean over all N·C·H·W values of (mapped − target)²;
 *   <li>meanTokenCosine / medianTokenCosine = mean / lower median of the per-position cosine
 *       ({@link CosineMetrics}) pooled over all tokens of all samples;
 *   <li>r2 = 1 − SSE/SST, SSE = Σ (mapped − target)², SST = Σ_c Σ (target_c − mean_c)² with mean_c the
 *       per-channel mean of the <em>targets</em> over all evaluated samples and positions, i.e. the
 *       fraction of the target's per-channel variance explained by the mapping (a constant map
 *       predicting each channel's mean scores 0).
 * </ul>
 */
public final class FeatureMetrics {
    private final int c;
    private final int h;
    private final int w;
    private double sse;
    private long values;
    private final double[] chMean;
    private final double[] chM2;
    private long perChannelCount;
    private double[] cosines = new double[1024];
    private int nCos;
    private int samples;

    public record Result(
            int samples,
            long tokens,
            double mse,
            double meanTokenCosine,
            double medianTokenCosine,
            double r2,
            double sse,
            double sst) {}

    public FeatureMetrics(int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("feature shape " + channels + "x" + height + "x" + width);
        this.c = channels;
        this.h = height;
        this.w = width;
        this.chMean = new double[channels];
        this.chM2 = new double[channels];
    }

    /** Adds {@code batch} samples of float32 (B, C, H, W) maps. */
    public void add(float[] mapped, float[] target, int batch) {
        int per = c * h * w;
        if (mapped.length < batch * per || target.length < batch * per)
            throw new IllegalArgumentException("batch of " + batch + " needs " + batch * per + " values, got "
                    + mapped.length + " mapped and " + target.length + " target");
        int n = h * w;
        for (int b = 0; b < batch; b++) {
            int off = b * per;
            for (int i = 0; i < per; i++) {
                double d = (double) mapped[off + i] - target[off + i];
                sse += d * d;
            }
            values += per;
            // Chan et al. merge of this sample's per-channel (mean, M2) into the running ones: stable SST
            for (int ch = 0; ch < c; ch++) {
                int o = off + ch * n;
                double m = 0;
                for (int p = 0; p < n; p++) m += target[o + p];
                m /= n;
                double m2 = 0;
                for (int p = 0; p < n; p++) {
                    double d = target[o + p] - m;
                    m2 += d * d;
                }
                long na = perChannelCount;
                double delta = m - chMean[ch];
                long tot = na + n;
                chMean[ch] += delta * n / tot;
                chM2[ch] += m2 + delta * delta * ((double) na * n / tot);
            }
            perChannelCount += n;
            double[] cos = CosineMetrics.perPosition(mapped, off, target, off, c, h, w);
            if (nCos + n > cosines.length) cosines = Arrays.copyOf(cosines, Math.max(cosines.length * 2, nCos + n));
            System.arraycopy(cos, 0, cosines, nCos, n);
            nCos += n;
            samples++;
        }
    }

    public Result result() {
        if (samples == 0) throw new IllegalStateException("no samples were added to the feature metrics");
        double sst = 0;
        for (double v : chM2) sst += v;
        double sumCos = 0;
        for (int i = 0; i < nCos; i++) sumCos += cosines[i];
        double median = CosineMetrics.lowerMedian(Arrays.copyOf(cosines, nCos));
        double r2 = sst > 0 ? 1.0 - sse / sst : Double.NaN;
        return new Result(samples, nCos, sse / values, sumCos / nCos, median, r2, sse, sst);
    }
}
