package org.featmap.ml.eval;

import org.featmap.ml.images.RgbImage;

/**
 * The evaluator's change mask (spec §7.3 step 1, AV18): which 9×9 cells of the image were changed by
 * the manipulation. Both images are blurred with OpenCV's {@code GaussianBlur(5×5, sigma 0)} — its
 * bit-exact uint8 path: separable binomial kernel [1,4,6,4,1]/16, border reflect-101, rounding half
 * up — then the per-pixel Euclidean norm of the absolute channel difference is thresholded at 50, and
 * a cell is set if any of its floor(h/9)×floor(w/9) pixels is set (spec N7: always 9×9).
 */
public final class ChangeMask {
    public static final int GRID = 9;
    public static final double THRESHOLD = 50.0;
    private static final int THRESHOLD_SQ = 2500;
    private static final int[] KERNEL = {1, 4, 6, 4, 1};

    private ChangeMask() {}

    /**
     * 9×9 mask, row-major ({@code mask[row * 9 + col]}), of original O vs manipulated M. M is resized to
     * O's size with OpenCV bilinear semantics when the sizes differ (Qwen targets, spec §7.3).
     */
    public static boolean[] compute(RgbImage original, RgbImage manipulated) {
        RgbImage m = manipulated;
        if (m.width() != original.width() || m.height() != original.height())
            m = OpenCvResize.bilinear(m, original.width(), original.height());
        return cells(fullMask(original, m), original.width(), original.height());
    }

    /** Pixel mask (row-major h×w): ‖|blur(O) − blur(M)|‖₂ over channels > 50. */
    public static boolean[] fullMask(RgbImage o, RgbImage m) {
        if (o.width() != m.width() || o.height() != m.height())
            throw new IllegalArgumentException("change mask needs equal sizes, got " + o.width() + "x" + o.height()
                    + " and " + m.width() + "x" + m.height());
        RgbImage bo = gaussianBlur5(o);
        RgbImage bm = gaussianBlur5(m);
        byte[] a = bo.rgb();
        byte[] b = bm.rgb();
        boolean[] mask = new boolean[o.width() * o.height()];
        for (int i = 0; i < mask.length; i++) {
            int d0 = (a[i * 3] & 0xFF) - (b[i * 3] & 0xFF);
            int d1 = (a[i * 3 + 1] & 0xFF) - (b[i * 3 + 1] & 0xFF);
            int d2 = (a[i * 3 + 2] & 0xFF) - (b[i * 3 + 2] & 0xFF);
            // numpy's float32 norm of integer differences: sums ≤ 195075 are exact in float32 and sqrt is
            // correctly rounded, so norm > 50 is exactly sum > 2500
            mask[i] = d0 * d0 + d1 * d1 + d2 * d2 > THRESHOLD_SQ;
        }
        return mask;
    }

    /** 9×9 "any" downsampling; pixels beyond 9·floor(h/9) rows / 9·floor(w/9) columns are ignored. */
    public static boolean[] cells(boolean[] full, int w, int h) {
        int ch = h / GRID;
        int cw = w / GRID;
        if (ch == 0 || cw == 0)
            throw new IllegalArgumentException("image " + w + "x" + h + " is smaller than the 9x9 grid");
        boolean[] out = new boolean[GRID * GRID];
        for (int gy = 0; gy < GRID; gy++)
            for (int gx = 0; gx < GRID; gx++) {
                boolean any = false;
                for (int y = gy * ch; y < (gy + 1) * ch && !any; y++)
                    for (int x = gx * cw; x < (gx + 1) * cw; x++)
                        if (full[y * w + x]) {
                            any = true;
                            break;
                        }
                out[gy * GRID + gx] = any;
            }
        return out;
    }

    /** OpenCV GaussianBlur(ksize 5×5, sigma 0) on uint8: out = (Σ k_i k_j p + 128) >> 8, reflect-101. */
    public static RgbImage gaussianBlur5(RgbImage img) {
        int w = img.width();
        int h = img.height();
        if (w < 3 || h < 3) throw new IllegalArgumentException("blur needs at least 3x3, got " + w + "x" + h);
        byte[] src = img.rgb();
        int rowLen = w * 3;
        // horizontal pass into h rows of int sums (scale 16), each source row padded by 2 px reflect-101
        int[][] rows = new int[h][rowLen];
        int[] pad = new int[rowLen + 12];
        for (int y = 0; y < h; y++) {
            int base = y * rowLen;
            for (int i = 0; i < rowLen; i++) pad[i + 6] = src[base + i] & 0xFF;
            for (int k = 1; k <= 2; k++)
                for (int c = 0; c < 3; c++) {
                    pad[6 - 3 * k + c] = src[base + reflect101(-k, w) * 3 + c] & 0xFF;
                    pad[6 + rowLen + 3 * (k - 1) + c] = src[base + reflect101(w - 1 + k, w) * 3 + c] & 0xFF;
                }
            int[] r = rows[y];
            for (int i = 0; i < rowLen; i++) {
                int j = i + 6;
                r[i] = pad[j - 6] + 4 * pad[j - 3] + 6 * pad[j] + 4 * pad[j + 3] + pad[j + 6];
            }
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            int[] r0 = rows[reflect101(y - 2, h)], r1 = rows[reflect101(y - 1, h)], r2 = rows[y];
            int[] r3 = rows[reflect101(y + 1, h)], r4 = rows[reflect101(y + 2, h)];
            int base = y * rowLen;
            for (int i = 0; i < rowLen; i++)
                out[base + i] = (byte) ((r0[i] + 4 * r1[i] + 6 * r2[i] + 4 * r3[i] + r4[i] + 128) >> 8);
        }
        return new RgbImage(w, h, out);
    }

    /** OpenCV BORDER_REFLECT_101: gfedcb|abcdefgh|gfedcba. */
    static int reflect101(int i, int n) {
        while (i < 0 || i >= n) {
            if (i < 0) i = -i;
            if (i >= n) i = 2 * n - 2 - i;
        }
        return i;
    }
}
