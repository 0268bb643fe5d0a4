package org.featmap.ml.eval;

import org.featmap.ml.images.RgbImage;

/**
 * OpenCV {@code cv2.resize(img, (w, h))} with the default INTER_LINEAR on uint8 images: its
 * fixed-point path (11-bit coefficients, INTER_RESIZE_COEF_SCALE 2048, vertical pass
 * ((b0·(S0>>4))>>16 + (b1·(S1>>4))>>16 + 2) >> 2). Used only where the evaluator resizes the
 * manipulated image to the original's size (spec §7.3 step 1, Qwen targets).
 */
public final class OpenCvResize {
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private OpenCvResize() {}

    public static RgbImage bilinear(RgbImage src, int dw, int dh) {
        int sw = src.width();
        int sh = src.height();
        if (dw <= 0 || dh <= 0) throw new IllegalArgumentException("target size " + dw + "x" + dh);
        // OpenCV switches INTER_LINEAR to its fast INTER_AREA path for an exact 2x downscale
        if (sw == 2 * dw && sh == 2 * dh) return halve(src, dw, dh);
        int[] xofs = new int[dw];
        short[][] xa = new short[dw][2];
        fill(sw, dw, xofs, xa);
        int[] yofs = new int[dh];
        short[][] ya = new short[dh][2];
        fill(sh, dh, yofs, ya);
        byte[] s = src.rgb();
        byte[] out = new byte[dw * dh * 3];
        int[] row0 = new int[dw * 3];
        int[] row1 = new int[dw * 3];
        for (int dy = 0; dy < dh; dy++) {
            int sy0 = yofs[dy];
            int sy1 = Math.min(sy0 + 1, sh - 1);
            hresize(s, sw, sy0, xofs, xa, row0);
            hresize(s, sw, sy1, xofs, xa, row1);
            int b0 = ya[dy][0];
            int b1 = ya[dy][1];
            for (int i = 0; i < dw * 3; i++) {
                int v = (((b0 * (row0[i] >> 4)) >> 16) + ((b1 * (row1[i] >> 4)) >> 16) + 2) >> 2;
                out[dy * dw * 3 + i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new RgbImage(dw, dh, out);
    }

    /** INTER_AREA 2×2 box: (a + b + c + d + 2) >> 2. */
    private static RgbImage halve(RgbImage src, int dw, int dh) {
        byte[] s = src.rgb();
        int sw = src.width();
        byte[] out = new byte[dw * dh * 3];
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++)
                for (int c = 0; c < 3; c++) {
                    int i0 = ((2 * y) * sw + 2 * x) * 3 + c;
                    int i1 = i0 + sw * 3;
                    int v = (s[i0] & 0xFF) + (s[i0 + 3] & 0xFF) + (s[i1] & 0xFF) + (s[i1 + 3] & 0xFF);
                    out[(y * dw + x) * 3 + c] = (byte) ((v + 2) >> 2);
                }
        return new RgbImage(dw, dh, out);
    }

    private static void hresize(byte[] s, int sw, int sy, int[] xofs, short[][] xa, int[] row) {
        int base = sy * sw * 3;
        for (int dx = 0; dx < xofs.length; dx++) {
            int sx0 = xofs[dx];
            int sx1 = Math.min(sx0 + 1, sw - 1);
            for (int c = 0; c < 3; c++)
                row[dx * 3 + c] =
                        (s[base + sx0 * 3 + c] & 0xFF) * xa[dx][0] + (s[base + sx1 * 3 + c] & 0xFF) * xa[dx][1];
        }
    }

    private static void fill(int ssize, int dsize, int[] ofs, short[][] alpha) {
        double scale = (double) ssize / dsize;
        for (int d = 0; d < dsize; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int sx = (int) Math.floor(f);
            f -= sx;
            if (sx < 0) {
                f = 0;
                sx = 0;
            }
            if (sx >= ssize - 1) {
                f = 0;
                sx = ssize - 1;
            }
            ofs[d] = sx;
            alpha[d][0] = (short) Math.rint((1.f - f) * COEF_SCALE);
            alpha[d][1] = (short) Math.rint(f * COEF_SCALE);
        }
    }
}
