package org.featmap.ml.images;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Pillow's {@code Image.transform(size, AFFINE, matrix, NEAREST, fillcolor=0)} and {@code Image.rotate(angle,
 * NEAREST)} (no expand) on 8-bit RGB, bit-exact with Pillow 12 (libImaging/Geometry.c): the matrix maps an
 * output pixel centre (x + 0.5, y + 0.5) to input coordinates; outside pixels are black. Used by RandAugment
 * (spec §8.1), where torchvision computes the inverse matrix and hands it to Pillow.
 */
public final class PillowAffine {
    private PillowAffine() {}

    /** {@code img.transform(img.size, Image.AFFINE, a, Image.NEAREST, fillcolor=0)} for a = (a0..a5). */
    public static RgbImage transform(RgbImage img, double[] a) {
        if (a.length != 6)
            throw new IllegalArgumentException("affine matrix has " + a.length + " coefficients, expected 6");
        // Geometry.c ImagingTransformAffine: pure scale/translate, 16.16 fixed point when every corner fits, else
        // doubles
        if (a[1] == 0 && a[3] == 0) return scaleAffine(img, a);
        int w = img.width(), h = img.height();
        if (fitsFixed(a, 0, 0) && fitsFixed(a, w, h) && fitsFixed(a, 0, h) && fitsFixed(a, w, 0))
            return affineFixed(img, a);
        return affineDouble(img, a);
    }

    /**
     * {@code img.rotate(angle, Image.NEAREST)}: counter-clockwise degrees about the image centre, same canvas,
     * black outside. Like Pillow, 180° and (on square images) 90°/270° are transpositions — the manipulations'
     * Geometry ops, which are Pillow's transposes; a non-square 90°/270° takes the affine path as in Pillow.
     */
    public static RgbImage rotate(RgbImage img, double angleDegrees) {
        double angle = pyMod(angleDegrees, 360.0);
        if (angle == 0) return img.copy();
        if (angle == 180) return Geometry.rotate180(img);
        if ((angle == 90 || angle == 270) && img.width() == img.height())
            return angle == 90 ? Geometry.rotate90(img) : Geometry.rotate270(img);
        double cx = img.width() / 2.0, cy = img.height() / 2.0;
        double rad = -Math.toRadians(angle);
        double[] m = {
            round15(Math.cos(rad)), round15(Math.sin(rad)), 0.0, round15(-Math.sin(rad)), round15(Math.cos(rad)), 0.0
        };
        double x = -cx, y = -cy;
        double m2 = m[0] * x + m[1] * y + m[2];
        double m5 = m[3] * x + m[4] * y + m[5];
        m[2] = m2 + cx;
        m[5] = m5 + cy;
        return transform(img, m);
    }

    /** Python's {@code round(v, 15)}: half-even on the exact binary value, back to the nearest double. */
    static double round15(double v) {
        return new BigDecimal(v).setScale(15, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Python float %: result has the divisor's sign. */
    static double pyMod(double a, double b) {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    /** Geometry.c COORD: -1 for negatives, else truncation. */
    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    private static boolean fitsFixed(double[] a, int x, int y) {
        return Math.abs(x * a[0] + y * a[1] + a[2]) < 32768.0 && Math.abs(x * a[3] + y * a[4] + a[5]) < 32768.0;
    }

    /** Geometry.c FIX: FLOOR(v * 65536 + 0.5). */
    private static int fix(double v) {
        return (int) Math.floor(v * 65536.0 + 0.5);
    }

    private static void copyPixel(byte[] in, int w, int xin, int yin, byte[] out, int q) {
        int p = (yin * w + xin) * 3;
        out[q] = in[p];
        out[q + 1] = in[p + 1];
        out[q + 2] = in[p + 2];
    }

    private static RgbImage scaleAffine(RgbImage img, double[] a) {
        int w = img.width(), h = img.height();
        byte[] in = img.rgb(), out = new byte[in.length];
        int[] xintab = new int[w];
        int xmin = w, xmax = 0;
        double xo = a[2] + a[0] * 0.5, yo = a[5] + a[4] * 0.5;
        for (int x = 0; x < w; x++) {
            int xin = coord(xo);
            if (xin >= 0 && xin < w) {
                xmax = x + 1;
                if (x < xmin) xmin = x;
                xintab[x] = xin;
            }
            xo += a[0];
        }
        for (int y = 0; y < h; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < h)
                for (int x = xmin; x < xmax; x++) copyPixel(in, w, xintab[x], yi, out, (y * w + x) * 3);
            yo += a[4];
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage affineFixed(RgbImage img, double[] a) {
        int w = img.width(), h = img.height();
        byte[] in = img.rgb(), out = new byte[in.length];
        int a0 = fix(a[0]), a1 = fix(a[1]), a3 = fix(a[3]), a4 = fix(a[4]);
        int a2 = fix(a[2] + a[0] * 0.5 + a[1] * 0.5);
        int a5 = fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
        for (int y = 0; y < h; y++) {
            int xx = a2, yy = a5;
            for (int x = 0; x < w; x++) {
                int xin = xx >> 16;
                if (xin >= 0 && xin < w) {
                    int yin = yy >> 16;
                    if (yin >= 0 && yin < h) copyPixel(in, w, xin, yin, out, (y * w + x) * 3);
                }
                xx += a0;
                yy += a3;
            }
            a2 += a1;
            a5 += a4;
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage affineDouble(RgbImage img, double[] a) {
        int w = img.width(), h = img.height();
        byte[] in = img.rgb(), out = new byte[in.length];
        double xo = a[2] + a[1] * 0.5 + a[0] * 0.5, yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
        for (int y = 0; y < h; y++) {
            double xx = xo, yy = yo;
            for (int x = 0; x < w; x++) {
                int xin = coord(xx);
                if (xin >= 0 && xin < w) {
                    int yin = coord(yy);
                    if (yin >= 0 && yin < h) copyPixel(in, w, xin, yin, out, (y * w + x) * 3);
                }
                xx += a[0];
                yy += a[3];
            }
            xo += a[1];
            yo += a[4];
        }
        return new RgbImage(w, h, out);
    }
}
