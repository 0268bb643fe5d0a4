package org.featmap.ml.train;

import java.util.SplittableRandom;

/** target = fixed per-token affine map of source + small noise; all in memory. */
final class SyntheticPairs extends ArrayPairs {
    SyntheticPairs(int n, int c, int h, int w, long seed) {
        this(generate(n, c, h, w, seed), n, c, h, w);
    }

    private SyntheticPairs(float[][] srcTgt, int n, int c, int h, int w) {
        super(srcTgt[0], srcTgt[1], n, c, h, w);
    }

    private static float[][] generate(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[c * c];
        float[] b = new float[c];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() / Math.sqrt(c));
        }
        for (int i = 0; i < c; i++) {
            b[i] = (float) r.nextGaussian() * 0.5f;
        }
        int hw = h * w;
        int map = c * hw;
        float[] src = new float[n * map];
        float[] tgt = new float[n * map];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < map; i++) {
                src[k * map + i] = (float) r.nextGaussian();
            }
            for (int o = 0; o < c; o++) {
                for (int p = 0; p < hw; p++) {
                    double s = b[o];
                    for (int i = 0; i < c; i++) {
                        s += a[o * c + i] * src[k * map + i * hw + p];
                    }
                    tgt[k * map + o * hw + p] = (float) (s + 0.05 * r.nextGaussian());
                }
            }
        }
        return new float[][] {src, tgt};
    }
}
