package org.featmap.ml.images;

/** hue_shift (spec §2.4, §11 N1) and grayscale (spec §2.5) with Pillow's integer semantics. */
public final class ColorOps {
    private ColorOps() {}

    // PillowColor.luma as three lookup tables: (LUMA_R[r] + LUMA_G[g] + LUMA_B[b]) >>> 16, the +32768 rounding
    // folded into LUMA_R (same integer sum, so byte-exact).
    private static final int[] LUMA_R = new int[256];
    private static final int[] LUMA_G = new int[256];
    private static final int[] LUMA_B = new int[256];

    static {
        for (int v = 0; v < 256; v++) {
            LUMA_R[v] = 19595 * v + 32768;
            LUMA_G[v] = 38470 * v;
            LUMA_B[v] = 7471 * v;
        }
    }

    private static final java.lang.invoke.VarHandle GRAY_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Pillow HSV round trip with H' = (H + shift) mod 256; shift is in Pillow's 255-per-turn bytes. */
    public static RgbImage hueShift(RgbImage img, int shift) {
        byte[] in = img.rgb();
        byte[] out = new byte[in.length];
        // The result depends on the colour only: a small direct-mapped cache (no boxing) skips repeats.
        int[] keys = new int[1 << 14];
        int[] vals = new int[1 << 14];
        java.util.Arrays.fill(keys, -1);
        for (int i = 0; i < in.length; i += 3) {
            int key = ((in[i] & 0xFF) << 16) | ((in[i + 1] & 0xFF) << 8) | (in[i + 2] & 0xFF);
            int slot = (key * 0x9E3779B1) >>> 18;
            int rgb;
            if (keys[slot] == key) {
                rgb = vals[slot];
            } else {
                int hsv = PillowColor.rgbToHsv(key >> 16, (key >> 8) & 0xFF, key & 0xFF);
                int h = (((hsv >> 16) + shift) % 256 + 256) % 256;
                rgb = PillowColor.hsvToRgb(h, (hsv >> 8) & 0xFF, hsv & 0xFF);
                keys[slot] = key;
                vals[slot] = rgb;
            }
            out[i] = (byte) (rgb >> 16);
            out[i + 1] = (byte) (rgb >> 8);
            out[i + 2] = (byte) rgb;
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** Pillow convert("L").convert("RGB"). */
    public static RgbImage grayscale(RgbImage img) {
        byte[] in = img.rgb();
        byte[] out = new byte[in.length];
        int last = in.length - 3;
        for (int i = 0; i < last; i += 3) {
            int l = (LUMA_R[in[i] & 0xFF] + LUMA_G[in[i + 1] & 0xFF] + LUMA_B[in[i + 2] & 0xFF]) >>> 16;
            // 4 bytes at once (L, L, L, spare); the spare byte is overwritten by the next pixel
            GRAY_INT.set(out, i, l * 0x01010101);
        }
        byte l = (byte) PillowColor.luma(in[last] & 0xFF, in[last + 1] & 0xFF, in[last + 2] & 0xFF);
        out[last] = l;
        out[last + 1] = l;
        out[last + 2] = l;
        return new RgbImage(img.width(), img.height(), out);
    }
}
