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
    return i + 4 <= a.length ? (int) INT.get(a, i) : (a[i] & 0xFF) | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16;
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

  /** out[y][x] = in[x][W-1-y]. */
  public static RgbImage rotate90(RgbImage img) {
    requireSquare(img, "rotation_90");
    int n = img.width();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int y = 0; y < n; y++) {
      int srcX = n - 1 - y;
      int q = y * n * 3;
      for (int x = 0; x < n; x++, q += 3) {
        int p = (x * n + srcX) * 3;
        store(out, q, load(in, p));
      }
    }
    return new RgbImage(n, n, out);
  }

  /** out[y][x] = in[H-1-y][W-1-x]. */
  public static RgbImage rotate180(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    int pixels = w * h;
    for (int i = 0; i < pixels; i++) {
      int p = (pixels - 1 - i) * 3;
      store(out, i * 3, load(in, p));
    }
    return new RgbImage(w, h, out);
  }

  /** out[y][x] = in[H-1-x][y]. */
  public static RgbImage rotate270(RgbImage img) {
    requireSquare(img, "rotation_270");
    int n = img.width();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int y = 0; y < n; y++) {
      int q = y * n * 3;
      for (int x = 0; x < n; x++, q += 3) {
        int p = ((n - 1 - x) * n + y) * 3;
        store(out, q, load(in, p));
      }
    }
    return new RgbImage(n, n, out);
  }

  /** Left-right flip. */
  public static RgbImage mirrorH(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      for (int x = 0; x < w; x++) {
        int p = row + (w - 1 - x) * 3;
        int q = row + x * 3;
        store(out, q, load(in, p));
      }
    }
    return new RgbImage(w, h, out);
  }

  /** Top-bottom flip. */
  public static RgbImage mirrorV(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] in = img.rgb();
    byte[] out = new byte[in.length];
    int stride = w * 3;
    for (int y = 0; y < h; y++) System.arraycopy(in, (h - 1 - y) * stride, out, y * stride, stride);
    return new RgbImage(w, h, out);
  }

  private static void requireSquare(RgbImage img, String op) {
    if (img.width() != img.height())
      throw new IllegalArgumentException(op + " needs a square image (spec §2.1), got " + img.width() + "x" + img.height());
  }
}
