package org.featmap.ml.images;

/**
 * Pillow's ImageOps posterize / solarize / autocontrast / equalize on 8-bit RGB (per-band lookup tables,
 * Pillow 12 ImageOps.py), used by RandAugment (spec §8.1).
 */
public final class PillowImageOps {
    private PillowImageOps() {}

    /** ImageOps.posterize: keep the top {@code bits} bits. */
    public static RgbImage posterize(RgbImage img, int bits) {
        if (bits < 0 || bits > 8) throw new IllegalArgumentException("posterize bits " + bits + ", allowed 0..8");
        int mask = ~((1 << (8 - bits)) - 1);
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) lut[i] = i & mask & 0xFF;
        return apply(img, lut, lut, lut);
    }

    /** ImageOps.solarize: values {@code >= threshold} become 255 - value. */
    public static RgbImage solarize(RgbImage img, double threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) lut[i] = i < threshold ? i : 255 - i;
        return apply(img, lut, lut, lut);
    }

    /** ImageOps.autocontrast(cutoff 0): per band, [lo, hi] stretched to [0, 255]. */
    public static RgbImage autocontrast(RgbImage img) {
        int[][] hist = histograms(img);
        int[][] luts = new int[3][];
        for (int b = 0; b < 3; b++) {
            int[] h = hist[b];
            int lo = 0, hi = 255;
            while (lo < 255 && h[lo] == 0) lo++;
            while (hi > 0 && h[hi] == 0) hi--;
            int[] lut = new int[256];
            if (hi <= lo) {
                for (int i = 0; i < 256; i++) lut[i] = i;
            } else {
                double scale = 255.0 / (hi - lo), offset = -lo * scale;
                for (int i = 0; i < 256; i++) lut[i] = clip8((long) (i * scale + offset));
            }
            luts[b] = lut;
        }
        return apply(img, luts[0], luts[1], luts[2]);
    }

    /** ImageOps.equalize: per band cumulative histogram steps (integer arithmetic as in ImageOps.py). */
    public static RgbImage equalize(RgbImage img) {
        int[][] hist = histograms(img);
        int[][] luts = new int[3][];
        for (int b = 0; b < 3; b++) {
            int[] h = hist[b];
            int[] lut = new int[256];
            long total = 0, last = 0;
            int nonZero = 0;
            for (int i = 0; i < 256; i++)
                if (h[i] != 0) {
                    nonZero++;
                    total += h[i];
                    last = h[i];
                }
            long step = nonZero <= 1 ? 0 : (total - last) / 255;
            if (step == 0) {
                for (int i = 0; i < 256; i++) lut[i] = i;
            } else {
                long n = step / 2;
                for (int i = 0; i < 256; i++) {
                    lut[i] = clip8(n / step); // Image.point clips lut entries to 0..255 (_imaging.c getlist CLIP8)
                    n += h[i];
                }
            }
            luts[b] = lut;
        }
        return apply(img, luts[0], luts[1], luts[2]);
    }

    private static int clip8(long v) {
        return v < 0 ? 0 : v > 255 ? 255 : (int) v;
    }

    private static int[][] histograms(RgbImage img) {
        int[][] h = new int[3][256];
        byte[] px = img.rgb();
        for (int i = 0; i < px.length; i += 3) {
            h[0][px[i] & 0xFF]++;
            h[1][px[i + 1] & 0xFF]++;
            h[2][px[i + 2] & 0xFF]++;
        }
        return h;
    }

    private static RgbImage apply(RgbImage img, int[] r, int[] g, int[] b) {
        byte[] px = img.rgb(), out = new byte[px.length];
        for (int i = 0; i < px.length; i += 3) {
            out[i] = (byte) r[px[i] & 0xFF];
            out[i + 1] = (byte) g[px[i + 1] & 0xFF];
            out[i + 2] = (byte) b[px[i + 2] & 0xFF];
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
