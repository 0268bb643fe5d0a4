package org.featmap.ml.normstats;

import java.util.Arrays;

/**
 * Shared per-channel normalisation statistics of one (backbone, dataset, layer) (spec §4.2): float32
 * mean and unbiased std (+1e-6) over n "resized" train maps.
 *
 * @param featKey layer key, e.g. "feat1"
 * @param source source dataset name (saved as source_dataset)
 */
public record NormStats(float[] mean, float[] std, int n, String featKey, String source) {
    public NormStats {
        if (mean.length != std.length) {
            throw new IllegalArgumentException(
                    "NormStats " + featKey + ": mean has " + mean.length + " channels, std " + std.length);
        }
    }

    public int channels() {
        return mean.length;
    }

    /** In place, x̂ = (x − mean_c) / std_c over one or more CHW maps (spec §4.3). */
    public void normalize(float[] chw, int off, int maps, int hw) {
        int c = mean.length;
        for (int m = 0; m < maps; m++) {
            for (int ch = 0; ch < c; ch++) {
                int base = off + (m * c + ch) * hw;
                float mu = mean[ch];
                float sd = std[ch];
                for (int i = 0; i < hw; i++) {
                    chw[base + i] = (chw[base + i] - mu) / sd;
                }
            }
        }
    }

    /** In place, x = x̂ · std_c + mean_c (spec §4.3). */
    public void denormalize(float[] chw, int off, int maps, int hw) {
        int c = mean.length;
        for (int m = 0; m < maps; m++) {
            for (int ch = 0; ch < c; ch++) {
                int base = off + (m * c + ch) * hw;
                float mu = mean[ch];
                float sd = std[ch];
                for (int i = 0; i < hw; i++) {
                    chw[base + i] = chw[base + i] * sd + mu;
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormStats s
                && Arrays.equals(mean, s.mean)
                && Arrays.equals(std, s.std)
                && n == s.n
                && featKey.equals(s.featKey)
                && source.equals(s.source);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }
}
