package org.featmap.ml.images;

/**
 * Pillow's ImageEnhance (Brightness, Color, Contrast, Sharpness) on 8-bit RGB, bit-exact with Pillow 12:
 * each is {@code Image.blend(degenerate, image, factor)} with a float32 factor (libImaging/Blend.c), the
 * degenerate image being black, the L-grey image, the rounded L mean, or the SMOOTH-filtered image.
 * Used by RandAugment (spec §8.1).
 */
public final class PillowEnhance {
    private PillowEnhance() {}

    public static RgbImage brightness(RgbImage img, double factor) {
        return blend(RgbImage.blank(img.width(), img.height()), img, factor);
    }

    public static RgbImage color(RgbImage img, double factor) {
        return blend(ColorOps.grayscale(img), img, factor);
    }

    public static RgbImage contrast(RgbImage img, double factor) {
        byte[] grey = new byte[img.rgb().length];
        java.util.Arrays.fill(grey, (byte) meanLuma(img));
        return blend(new RgbImage(img.width(), img.height(), grey), img, factor);
    }

    public static RgbImage sharpness(RgbImage img, double factor) {
        return blend(smooth(img), img, factor);
    }

    /** ImageEnhance.Contrast's grey level: int(ImageStat(img.convert("L")).mean + 0.5). */
    static int meanLuma(RgbImage img) {
        byte[] px = img.rgb();
        long sum = 0;
        for (int i = 0; i < px.length; i += 3)
            sum += PillowColor.luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
        return (int) ((double) sum / (px.length / 3) + 0.5);
    }

    /**
     * {@code Image.blend(a, b, alpha)}: a + alpha (b - a) in float32, truncated; clipped to 0..255 when alpha
     * is outside [0, 1] (Blend.c). alpha 0 / 1 return copies of a / b.
     */
    public static RgbImage blend(RgbImage a, RgbImage b, double alpha) {
        if (a.width() != b.width() || a.height() != b.height())
            throw new IllegalArgumentException(
                    "blend sizes differ: " + a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
        float al = (float) alpha; // _imaging.c passes (float) alpha
        if (al == 0.0f) return a.copy();
        if (al == 1.0f) return b.copy();
        byte[] p = a.rgb(), q = b.rgb(), out = new byte[p.length];
        boolean inside = al >= 0 && al <= 1.0f;
        for (int i = 0; i < p.length; i++) {
            int u = p[i] & 0xFF, v = q[i] & 0xFF;
            float t = u + al * (v - u);
            if (inside) out[i] = (byte) (int) t;
            else out[i] = (byte) (t <= 0.0f ? 0 : t >= 255.0f ? 255 : (int) t);
        }
        return new RgbImage(a.width(), a.height(), out);
    }

    /**
     * {@code img.filter(ImageFilter.SMOOTH)}: 3x3 kernel (1 1 1 / 1 5 1 / 1 1 1) / 13 in float32 with +0.5
     * rounding (Filter.c ImagingFilter3x3); the one-pixel border is copied unchanged; images smaller than 3x3 are
     * copied.
     */
    public static RgbImage smooth(RgbImage img) {
        int w = img.width(), h = img.height();
        if (w < 3 || h < 3) return img.copy();
        // _imaging.c divides each float32 kernel entry by the float32 divisor
        float k1 = 1f / 13f, k5 = 5f / 13f;
        float[] k = {k1, k1, k1, k1, k5, k1, k1, k1, k1};
        byte[] in = img.rgb(), out = in.clone();
        int stride = w * 3;
        for (int y = 1; y < h - 1; y++) {
            int rowDown = (y + 1) * stride, row = y * stride, rowUp = (y - 1) * stride;
            for (int x = 1; x < w - 1; x++) {
                for (int c = 0; c < 3; c++) {
                    int i = x * 3 + c;
                    float ss = 0.5f;
                    // same association as Filter.c: row y+1 with kernel[0..2], then y, then y-1
                    ss += kernel1x3(in, rowDown + i, k, 0);
                    ss += kernel1x3(in, row + i, k, 3);
                    ss += kernel1x3(in, rowUp + i, k, 6);
                    out[row + i] = (byte) (ss <= 0.0f ? 0 : ss >= 255.0f ? 255 : (int) ss);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static float kernel1x3(byte[] in, int i, float[] k, int o) {
        return (float) (in[i - 3] & 0xFF) * k[o]
                + (float) (in[i] & 0xFF) * k[o + 1]
                + (float) (in[i + 3] & 0xFF) * k[o + 2];
    }
}
