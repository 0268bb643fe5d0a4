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

    /**
     * Per-output-index window start and length, and fixed-point weights of one axis: flattened at {@code ksize} per
     * output index for the vertical pass (read once per output row), and as one array per output index for the
     * horizontal pass, whose tap loop then runs to that array's length and C2 drops the weights' bounds checks (the
     * flattened table there was 8 % slower in a same-JVM A/B).
     */
    private record Coefficients(int ksize, int[] start, int[] length, int[] weights, int[][] rows) {}

    private record Key(int in, int out, Filter filter) {}

    // A dataset's images come in a handful of sizes (the bench's: 400x300 and 300x400, both to 288 on the short
    // side): the tables are pure functions of (in, out, filter), so they are computed once per size, not per image.
    private static final java.util.concurrent.ConcurrentHashMap<Key, Coefficients> TABLES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Coefficients coefficients(int in, int out, Filter filter) {
        Key key = new Key(in, out, filter);
        Coefficients c = TABLES.get(key);
        if (c == null) {
            c = compute(in, out, filter);
            if (TABLES.size() < 256) TABLES.putIfAbsent(key, c);
        }
        return c;
    }

    private static Coefficients compute(int in, int out, Filter filter) {
        double scale = (double) in / out;
        double fs = Math.max(scale, 1.0);
        double support = filter.support * fs;
        double ss = 1.0 / fs; // Pillow multiplies by 1/filterscale (not divides): differs in the last bit
        int[] start = new int[out];
        int[] length = new int[out];
        int[][] rows = new int[out][];
        int ksize = 0;
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
            rows[o] = k;
            ksize = Math.max(ksize, w.length);
        }
        int[] weights = new int[out * ksize];
        for (int o = 0; o < out; o++) System.arraycopy(rows[o], 0, weights, o * ksize, rows[o].length);
        return new Coefficients(ksize, start, length, weights, rows);
    }

    // Pillow's 8-bit passes accumulate in 32-bit ints (that is why PRECISION_BITS is 22), so int sums give its bytes.
    // Branches, not Math.min/max: a resampled value is almost never out of range, so they predict, and the min/max
    // form made resize_crop about 20 % slower (same-JVM A/B, issue #20).
    private static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : (s > 255 ? 255 : s);
    }

    /** Resizes to {@code outW x outH} exactly as {@code PIL.Image.resize((outW, outH), filter)}. */
    public static RgbImage resize(RgbImage src, int outW, int outH, Filter filter) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("target size " + outW + "x" + outH);
        if (outW == src.width() && outH == src.height()) return src.copy();
        return resizeWindow(src, outW, outH, filter, 0, 0, outW, outH);
    }

    /**
     * The {@code cw x ch} window at ({@code x0}, {@code y0}) of {@link #resize}{@code (src, outW, outH, filter)},
     * byte-equal to resizing the whole image and cropping it, computing only what the window needs: each output
     * pixel has the same taps and weights either way, and the horizontal pass runs only on the source rows the
     * window's vertical taps read (as Pillow's own pass does for its box). For a centre crop of 384x288 to 288²
     * this skips a quarter of both passes and the crop's copy.
     */
    public static RgbImage resizeWindow(
            RgbImage src, int outW, int outH, Filter filter, int x0, int y0, int cw, int ch) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("target size " + outW + "x" + outH);
        if (x0 < 0 || y0 < 0 || cw <= 0 || ch <= 0 || x0 + cw > outW || y0 + ch > outH)
            throw new IllegalArgumentException(
                    "window " + cw + "x" + ch + "+" + x0 + "+" + y0 + " outside " + outW + "x" + outH);
        boolean horizontal = outW != src.width();
        boolean vertical = outH != src.height();
        if (!horizontal && !vertical) return crop(src, x0, y0, cw, ch);
        if (!vertical) return horizontal(src, coefficients(src.width(), outW, filter), x0, cw, y0, ch);
        Coefficients cv = coefficients(src.height(), outH, filter);
        // source rows the window's vertical taps read
        int r0 = Integer.MAX_VALUE, r1 = 0;
        for (int o = y0; o < y0 + ch; o++) {
            if (cv.length[o] == 0) continue;
            r0 = Math.min(r0, cv.start[o]);
            r1 = Math.max(r1, cv.start[o] + cv.length[o]);
        }
        if (r0 > r1) r0 = r1 = 0;
        if (!horizontal) return vertical(src.rgb(), src.width(), x0, 0, cw, cv, y0, ch);
        RgbImage rows = horizontal(src, coefficients(src.width(), outW, filter), x0, cw, r0, Math.max(r1 - r0, 1));
        return vertical(rows.rgb(), cw, 0, r0, cw, cv, y0, ch);
    }

    private static RgbImage crop(RgbImage img, int x0, int y0, int cw, int ch) {
        byte[] out = new byte[cw * ch * 3];
        byte[] in = img.rgb();
        for (int y = 0; y < ch; y++) System.arraycopy(in, ((y0 + y) * img.width() + x0) * 3, out, y * cw * 3, cw * 3);
        return new RgbImage(cw, ch, out);
    }

    private static final java.lang.invoke.VarHandle INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Output columns x0..x0+cw-1 of the horizontal pass, on source rows y0..y0+rows-1. */
    private static RgbImage horizontal(RgbImage src, Coefficients c, int x0, int cw, int y0, int rows) {
        int inW = src.width();
        byte[] in = src.rgb();
        byte[] out = new byte[cw * rows * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int[][] kr = c.rows;
        int[] start = c.start;
        int q = 0;
        int last = src.height() - 1;
        for (int y = y0; y < y0 + rows; y++) {
            int row = y * inW * 3;
            // Outside the last row a tap's pixel is read as one 4-byte word (its 3 bytes and the next one's first):
            // one bounds check instead of three, new-h 1.22x the byte loads in a same-JVM A/B. The image's last
            // pixel has no 4th byte, so its row reads bytes.
            if (y == last) {
                for (int o = x0; o < x0 + cw; o++) {
                    int[] k = kr[o];
                    int p = row + start[o] * 3;
                    int r = half, g = half, b = half;
                    for (int j = 0; j < k.length; j++, p += 3) {
                        int kj = k[j];
                        r += (in[p] & 0xFF) * kj;
                        g += (in[p + 1] & 0xFF) * kj;
                        b += (in[p + 2] & 0xFF) * kj;
                    }
                    out[q] = (byte) clip8(r);
                    out[q + 1] = (byte) clip8(g);
                    out[q + 2] = (byte) clip8(b);
                    q += 3;
                }
                continue;
            }
            for (int o = x0; o < x0 + cw; o++) {
                int[] k = kr[o];
                int p = row + start[o] * 3;
                int r = half, g = half, b = half;
                for (int j = 0; j < k.length; j++, p += 3) {
                    int kj = k[j];
                    int v = (int) INT.get(in, p);
                    r += (v & 0xFF) * kj;
                    g += (v >> 8 & 0xFF) * kj;
                    b += (v >>> 16 & 0xFF) * kj;
                }
                out[q] = (byte) clip8(r);
                out[q + 1] = (byte) clip8(g);
                out[q + 2] = (byte) clip8(b);
                q += 3;
            }
        }
        return new RgbImage(cw, rows, out);
    }

    /**
     * Output rows y0..y0+ch-1 of the vertical pass over columns x0..x0+w-1 of {@code in} ({@code inW} pixels a row,
     * its first row is source row {@code r0}).
     */
    private static RgbImage vertical(byte[] in, int inW, int x0, int r0, int w, Coefficients c, int y0, int ch) {
        byte[] out = new byte[w * ch * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int stride = w * 3, inStride = inW * 3;
        int[] acc = new int[stride];
        int ksize = c.ksize;
        int[] kk = c.weights;
        for (int o = y0; o < y0 + ch; o++) {
            int kb = o * ksize;
            int base = (c.start[o] - r0) * inStride + x0 * 3;
            int len = c.length[o];
            int q = (o - y0) * stride;
            // one pass per output row with the taps in registers: 2 and 3 taps are what a downscale by less than
            // 2x (photos to 288) uses; the accumulator-array pass is for the rest
            if (len == 2) {
                int k0 = kk[kb], k1 = kk[kb + 1];
                int a0 = base, a1 = base + inStride;
                for (int i = 0; i < stride; i++)
                    out[q + i] = (byte) clip8(half + (in[a0 + i] & 0xFF) * k0 + (in[a1 + i] & 0xFF) * k1);
            } else if (len == 3) {
                int k0 = kk[kb], k1 = kk[kb + 1], k2 = kk[kb + 2];
                int a0 = base, a1 = base + inStride, a2 = base + 2 * inStride;
                for (int i = 0; i < stride; i++)
                    out[q + i] = (byte) clip8(
                            half + (in[a0 + i] & 0xFF) * k0 + (in[a1 + i] & 0xFF) * k1 + (in[a2 + i] & 0xFF) * k2);
            } else {
                java.util.Arrays.fill(acc, half);
                for (int j = 0; j < len; j++) {
                    int row = base + j * inStride;
                    int kj = kk[kb + j];
                    for (int i = 0; i < stride; i++) acc[i] += (in[row + i] & 0xFF) * kj;
                }
                for (int i = 0; i < stride; i++) out[q + i] = (byte) clip8(acc[i]);
            }
        }
        return new RgbImage(w, ch, out);
    }
}
