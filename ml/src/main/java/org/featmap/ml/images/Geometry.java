package org.featmap.ml.images;

/**
 * Lossless pixel permutations of spec §2.1/§2.2 (AV3). Rotations are counter-clockwise like Pillow's
 * {@code rotate}; for a square image Pillow uses its exact transpose, which is what these are. For
 * non-square images Pillow would keep the canvas and fill black (spec §2.1), so they are refused.
 */
public final class Geometry {
    private Geometry() {}

    // Pixels are copied as one unaligned 4-byte load/store (3 bytes of the pixel + 1 spare byte) instead of 3
    // byte copies: the spare byte lands on the next output pixel, which is written right after (outputs are
    // filled in increasing order), so only the very last pixel of an image needs a byte-wise copy.
    private static final java.lang.invoke.VarHandle INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static int load(byte[] a, int i) {
        // the source's last pixel has no 4th byte: read it byte-wise
        return i + 4 <= a.length
                ? (int) INT.get(a, i)
                : (a[i] & 0xFF) | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16;
    }

    private static void store(byte[] a, int i, int v) {
        if (i + 4 <= a.length) {
            INT.set(a, i, v);
        } else {
            a[i] = (byte) v;
            a[i + 1] = (byte) (v >> 8);
            a[i + 2] = (byte) (v >> 16);
        }
    }

    // The loops below use the 4-byte copy without bounds branches wherever both the load and the store stay inside
    // the arrays and the spare byte lands on a pixel written later; the few pixels where that fails (the image's last
    // source pixel, an output row's last pixel when several rows are filled side by side) are copied byte-wise.
    // Measured 1.5–2.5× faster than a branch per pixel (issue #20 item 2); outputs are byte-equal (GeometryTest).

    private static void copy3(byte[] in, int p, byte[] out, int q) {
        out[q] = in[p];
        out[q + 1] = in[p + 1];
        out[q + 2] = in[p + 2];
    }

    /** out[y][x] = in[x][W-1-y]. */
    public static RgbImage rotate90(RgbImage img) {
        return rotate90(img, new byte[img.rgb().length]);
    }

    /** {@link #rotate90(RgbImage)} into {@code out} (every byte written; e.g. from {@link PixelBuffers}). */
    public static RgbImage rotate90(RgbImage img, byte[] out) {
        requireSquare(img, "rotation_90");
        int n = img.width(), stride = n * 3;
        byte[] in = img.rgb();
        checkOut(in, out);
        // Output rows are filled in order, four at a time: output rows y..y+3 at column x are source row x's pixels
        // n-4-y..n-1-y, 12 contiguous bytes read as 4 words. Sequential stores instead of the column-by-column
        // fill: 2.3x in a same-JVM A/B (25k vs 11k/s at 288², pooled arrays, issue #20). Column n-1 is copied
        // byte-wise (its spare byte would hit the next row's first pixel, already written).
        int y = 0;
        for (; y + 4 <= n; y += 4) {
            int q = y * stride, p = (n - 4 - y) * 3;
            for (int x = 0; x < n - 1; x++, q += 3, p += stride) {
                int a = (int) INT.get(in, p), b = (int) INT.get(in, p + 3), c = (int) INT.get(in, p + 6);
                int d = (int) INT.get(in, p + 8); // p + 9's pixel in its top 3 bytes: stays inside the row
                INT.set(out, q, d >>> 8);
                INT.set(out, q + stride, c);
                INT.set(out, q + 2 * stride, b);
                INT.set(out, q + 3 * stride, a);
            }
            for (int r = 0; r < 4; r++) copy3(in, p + (3 - r) * 3, out, q + r * stride);
        }
        for (; y < n; y++) { // the last n % 4 rows, one at a time
            int q = y * stride, p = (n - 1 - y) * 3;
            for (int x = 0; x < n - 1; x++, q += 3, p += stride) INT.set(out, q, load(in, p));
            copy3(in, p, out, q);
        }
        return new RgbImage(n, n, out);
    }

    /** out[y][x] = in[H-1-y][W-1-x]: output row y is input row H-1-y reversed, row by row like {@link #mirrorH}. */
    public static RgbImage rotate180(RgbImage img) {
        return rotate180(img, new byte[img.rgb().length]);
    }

    /** {@link #rotate180(RgbImage)} into {@code out}. */
    public static RgbImage rotate180(RgbImage img, byte[] out) {
        int w = img.width();
        int h = img.height();
        byte[] in = img.rgb();
        checkOut(in, out);
        for (int y = 0; y < h; y++) reverseRow(in, h - 1 - y, out, y, w, h);
        return new RgbImage(w, h, out);
    }

    /** out[y][x] = in[H-1-x][y]. */
    public static RgbImage rotate270(RgbImage img) {
        return rotate270(img, new byte[img.rgb().length]);
    }

    /** {@link #rotate270(RgbImage)} into {@code out}. */
    public static RgbImage rotate270(RgbImage img, byte[] out) {
        requireSquare(img, "rotation_270");
        int n = img.width(), stride = n * 3;
        byte[] in = img.rgb();
        checkOut(in, out);
        // Four output rows at a time, as rotate90, but with the columns filled right to left (source rows read top
        // to bottom): each pixel is loaded from one byte before it and stored one byte before its place, where the
        // stray byte lands on the column to its left, written later. Same-JVM A/B at 288², pooled: 30-32k/s vs
        // 24k/s for the left-to-right order with rotate90's shifted word (stable over 3 JVMs; that order also varied
        // from run to run, 23-33k/s in the bench). Columns n-1 (its source pixel can be the array's first, no byte
        // before it) and 0 (its stray byte would hit the row above) are copied byte-wise.
        int y = 0;
        for (; y + 4 <= n; y += 4) {
            for (int r = 0; r < 4; r++) copy3(in, (y + r) * 3, out, (y + r) * stride + (n - 1) * 3);
            int q = y * stride + (n - 2) * 3 - 1, p = stride + y * 3 - 1;
            for (int x = n - 2; x >= 1; x--, q -= 3, p += stride) {
                int a = (int) INT.get(in, p), b = (int) INT.get(in, p + 3), c = (int) INT.get(in, p + 6);
                int d = (int) INT.get(in, p + 9);
                INT.set(out, q, a);
                INT.set(out, q + stride, b);
                INT.set(out, q + 2 * stride, c);
                INT.set(out, q + 3 * stride, d);
            }
            for (int r = 0; r < 4; r++) copy3(in, (n - 1) * stride + (y + r) * 3, out, (y + r) * stride);
        }
        for (; y < n; y++) {
            int q = y * stride, p = (n - 1) * stride + y * 3;
            for (int x = 0; x < n - 1; x++, q += 3, p -= stride) INT.set(out, q, load(in, p));
            copy3(in, p, out, q);
        }
        return new RgbImage(n, n, out);
    }

    /** Left-right flip. */
    public static RgbImage mirrorH(RgbImage img) {
        return mirrorH(img, new byte[img.rgb().length]);
    }

    /** {@link #mirrorH(RgbImage)} into {@code out}. */
    public static RgbImage mirrorH(RgbImage img, byte[] out) {
        int w = img.width();
        int h = img.height();
        byte[] in = img.rgb();
        checkOut(in, out);
        for (int y = 0; y < h; y++) reverseRow(in, y, out, y, w, h);
        return new RgbImage(w, h, out);
    }

    /**
     * Output row {@code dstRow} = input row {@code srcRow}, pixels in reverse order. Only the image's last row (the
     * source's last pixel has no 4th byte to load, the output's last pixel none to store into) needs the checked
     * copy; every other row moves 4-byte words without a bounds branch (the spare byte lands on the next output
     * pixel, written right after). Row by row instead of one reversed sweep over the image: 1.5× faster for
     * rotate180 in a same-JVM microbenchmark (issue #20 item 2).
     */
    private static void reverseRow(byte[] in, int srcRow, byte[] out, int dstRow, int w, int h) {
        int stride = w * 3;
        int q = dstRow * stride, p = srcRow * stride + stride - 3, end = q + stride;
        if (srcRow < h - 1 && dstRow < h - 1) {
            for (; q < end; q += 3, p -= 3) INT.set(out, q, (int) INT.get(in, p));
        } else {
            for (; q < end; q += 3, p -= 3) store(out, q, load(in, p));
        }
    }

    /** Top-bottom flip. */
    public static RgbImage mirrorV(RgbImage img) {
        return mirrorV(img, new byte[img.rgb().length]);
    }

    /** {@link #mirrorV(RgbImage)} into {@code out}. */
    public static RgbImage mirrorV(RgbImage img, byte[] out) {
        int w = img.width();
        int h = img.height();
        byte[] in = img.rgb();
        checkOut(in, out);
        int stride = w * 3;
        for (int y = 0; y < h; y++) System.arraycopy(in, (h - 1 - y) * stride, out, y * stride, stride);
        return new RgbImage(w, h, out);
    }

    private static void checkOut(byte[] in, byte[] out) {
        // in place would read pixels already overwritten
        if (out == in) throw new IllegalArgumentException("output array is the input's");
        if (out.length != in.length)
            throw new IllegalArgumentException("output has " + out.length + " bytes, expected " + in.length);
    }

    private static void requireSquare(RgbImage img, String op) {
        if (img.width() != img.height())
            throw new IllegalArgumentException(
                    op + " needs a square image (spec §2.1), got " + img.width() + "x" + img.height());
    }
}
