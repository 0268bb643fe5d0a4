package org.featmap.ml.images;

/**
 * Pillow's separable fixed-point resampling (spec §3.6), bit-exact with Pillow 12 for 8-bit RGB:
 * horizontal pass first (only if the width changes), then vertical (only if the height changes),
 * 8-bit intermediate, 22-bit fixed-point weights, rounding with 2^21, clamp to 0..255.
 */
public final class PillowResample {
    private PillowResample() {}

    public enum Filter {
        BILINEAR(1.0),
        BICUBIC(2.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double kernel(double x) {
            double ax = Math.abs(x);
            if (this == BILINEAR) return ax < 1.0 ? 1.0 - ax : 0.0;
            double a = -0.5;
            if (ax < 1.0) return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1.0;
            if (ax < 2.0) return (((ax - 5.0) * ax + 8.0) * ax - 4.0) * a;
            return 0.0;
        }
    }

    private static final int PRECISION_BITS = 22;

    /** Per-output-index window start, length and fixed-point weights of one axis. */
    private record Coefficients(int[] start, int[] length, int[][] weights) {}

    private static Coefficients coefficients(int in, int out, Filter filter) {
        double scale = (double) in / out;
        double fs = Math.max(scale, 1.0);
        double support = filter.support * fs;
        double ss = 1.0 / fs; // Pillow multiplies by 1/filterscale (not divides): differs in the last bit
        int[] start = new int[out];
        int[] length = new int[out];
        int[][] weights = new int[out][];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(in, (int) (center + support + 0.5)) - xmin;
            double[] w = new double[Math.max(xmax, 0)];
            double sum = 0;
            for (int j = 0; j < w.length; j++) {
                w[j] = filter.kernel((j + xmin - center + 0.5) * ss);
                sum += w[j];
            }
            int[] k = new int[w.length];
            for (int j = 0; j < w.length; j++) {
                double v = sum != 0.0 ? w[j] / sum : w[j];
                double scaled = v * (1 << PRECISION_BITS);
                k[j] = (int) (v >= 0 ? scaled + 0.5 : scaled - 0.5);
            }
            start[o] = xmin;
            length[o] = w.length;
            weights[o] = k;
        }
        return new Coefficients(start, length, weights);
    }

    private static int clip8(long v) {
        long s = v >> PRECISION_BITS;
        return s < 0 ? 0 : (s > 255 ? 255 : (int) s);
    }

    /** Resizes to {@code outW x outH} exactly as {@code PIL.Image.resize((outW, outH), filter)}. */
    public static RgbImage resize(RgbImage src, int outW, int outH, Filter filter) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("target size " + outW + "x" + outH);
        RgbImage img = src;
        if (outW != img.width()) img = horizontal(img, outW, filter);
        if (outH != img.height()) img = vertical(img, outH, filter);
        return img == src ? src.copy() : img;
    }

    private static RgbImage horizontal(RgbImage src, int outW, Filter filter) {
        Coefficients c = coefficients(src.width(), outW, filter);
        int h = src.height();
        int inW = src.width();
        byte[] in = src.rgb();
        byte[] out = new byte[outW * h * 3];
        long half = 1L << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * inW * 3;
            for (int o = 0; o < outW; o++) {
                int[] k = c.weights[o];
                int xs = c.start[o];
                long r = half, g = half, b = half;
                for (int j = 0; j < k.length; j++) {
                    int p = row + (xs + j) * 3;
                    r += (long) (in[p] & 0xFF) * k[j];
                    g += (long) (in[p + 1] & 0xFF) * k[j];
                    b += (long) (in[p + 2] & 0xFF) * k[j];
                }
                int q = (y * outW + o) * 3;
                out[q] = (byte) clip8(r);
                out[q + 1] = (byte) clip8(g);
                out[q + 2] = (byte) clip8(b);
            }
        }
        return new RgbImage(outW, h, out);
    }

    private static RgbImage vertical(RgbImage src, int outH, Filter filter) {
        Coefficients c = coefficients(src.height(), outH, filter);
        int w = src.width();
        byte[] in = src.rgb();
        byte[] out = new byte[w * outH * 3];
        long half = 1L << (PRECISION_BITS - 1);
        int stride = w * 3;
        long[] acc = new long[stride];
        for (int o = 0; o < outH; o++) {
            java.util.Arrays.fill(acc, half);
            int[] k = c.weights[o];
            int ys = c.start[o];
            for (int j = 0; j < k.length; j++) {
                int row = (ys + j) * stride;
                long kj = k[j];
                for (int i = 0; i < stride; i++) acc[i] += (in[row + i] & 0xFF) * kj;
            }
            int q = o * stride;
            for (int i = 0; i < stride; i++) out[q + i] = (byte) clip8(acc[i]);
        }
        return new RgbImage(w, outH, out);
    }
}
