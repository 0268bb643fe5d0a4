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
    // source pixel, an output row's last pixel when rows are filled column by column) are copied byte-wise. Measured
    // 1.5–2.5× faster than a branch per pixel (issue #20 item 2); outputs are byte-equal (GeometryTest).

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
        // output column x = input row x, read right to left; column n-1 (whose spare byte would hit the next row's
        // first pixel, already written) byte-wise — it also holds the one source pixel with no 4th byte
        for (int x = 0; x < n - 1; x++) {
            int src = x * stride + (n - 1) * 3, dst = x * 3;
            for (int y = 0; y < n; y++) INT.set(out, y * stride + dst, (int) INT.get(in, src - y * 3));
        }
        for (int y = 0; y < n; y++) copy3(in, (n - 1) * stride + (n - 1 - y) * 3, out, y * stride + (n - 1) * 3);
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
        // output column x = input row n-1-x, read left to right; column 0 byte-wise (it reads the source's last pixel),
        // column n-1 byte-wise (its spare byte would hit the next row's first pixel, already written)
        for (int y = 0; y < n; y++) copy3(in, (n - 1) * stride + y * 3, out, y * stride);
        for (int x = 1; x < n - 1; x++) {
            int src = (n - 1 - x) * stride, dst = x * 3;
            for (int y = 0; y < n; y++) INT.set(out, y * stride + dst, (int) INT.get(in, src + y * 3));
        }
        if (n > 1) for (int y = 0; y < n; y++) copy3(in, y * 3, out, y * stride + (n - 1) * 3);
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
