package org.featmap.ml.images;

/** Pillow's 8-bit colour conversions used by the manipulations: L (spec §2.5) and HSV (spec §2.4). */
public final class PillowColor {
    private PillowColor() {}

    /** Pillow "L": (19595 R + 38470 G + 7471 B + 32768) >> 16. */
    public static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    }

    /** Pillow RGB→HSV bytes packed as 0xHHSSVV, float32/double steps exactly as spec §2.4. */
    public static int rgbToHsv(int r, int g, int b) {
        int maxc = Math.max(r, Math.max(g, b));
        int minc = Math.min(r, Math.min(g, b));
        int v = maxc;
        if (maxc == minc) return v;
        float cr = (float) (maxc - minc);
        float s = cr / (float) maxc;
        float rc = (float) (maxc - r) / cr;
        float gc = (float) (maxc - g) / cr;
        float bc = (float) (maxc - b) / cr;
        float h;
        if (r == maxc) h = bc - gc;
        else if (g == maxc) h = (float) (2.0 + (double) rc - (double) bc);
        else h = (float) (4.0 + (double) gc - (double) rc);
        // C fmod keeps the dividend's sign; Java's % on doubles does the same.
        h = (float) (((double) h / 6.0 + 1.0) % 1.0);
        int hh = clamp255((int) ((double) h * 255.0));
        int ss = clamp255((int) ((double) s * 255.0));
        return (hh << 16) | (ss << 8) | v;
    }

    /** Pillow HSV→RGB, packed 0xRRGGBB (spec §2.4). */
    public static int hsvToRgb(int h, int s, int v) {
        if (s == 0) return (v << 16) | (v << 8) | v;
        double hh = h * 6.0 / 255.0;
        int i = (int) Math.floor(hh);
        float f = (float) (hh - i);
        float fs = (float) (s / 255.0);
        int p = clampRound(v * (1.0 - fs));
        int q = clampRound(v * (1.0 - fs * f));
        int t = clampRound(v * (1.0 - fs * (1.0 - f)));
        return switch (i % 6) {
            case 0 -> pack(v, t, p);
            case 1 -> pack(q, v, p);
            case 2 -> pack(p, v, t);
            case 3 -> pack(p, q, v);
            case 4 -> pack(t, p, v);
            default -> pack(v, p, q);
        };
    }

    private static int pack(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** C round() (half away from zero) then clamp to 0..255. */
    private static int clampRound(double x) {
        long r = (long) (x < 0 ? x - 0.5 : x + 0.5);
        return r < 0 ? 0 : (int) Math.min(r, 255);
    }

    private static int clamp255(int x) {
        return x < 0 ? 0 : Math.min(x, 255);
    }
}
