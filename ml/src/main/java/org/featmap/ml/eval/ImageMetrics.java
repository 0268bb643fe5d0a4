package org.featmap.ml.eval;

import org.featmap.ml.images.RgbImage;

/**
 * MSE and SSIM of two RGB images with scikit-image semantics (spec §7.3 step 2, AV17):
 * {@code mean_squared_error(a, r)} and
 * {@code structural_similarity(a, r, channel_axis=-1, data_range=255)} with all other defaults —
 * 7×7 uniform window, K1 0.01, K2 0.03, sample covariance (factor 49/48), mean of the SSIM map with
 * a 3-px border removed, mean over channels. Everything in float64.
 */
public final class ImageMetrics {
    public static final int WIN = 7;
    public static final double DATA_RANGE = 255.0;
    public static final double C1 = Math.pow(0.01 * DATA_RANGE, 2);
    public static final double C2 = Math.pow(0.03 * DATA_RANGE, 2);

    private ImageMetrics() {}

    /** Mean over all H·W·3 values of (a − r)², 0–255² units. */
    public static double mse(RgbImage a, RgbImage r) {
        requireSameSize(a, r);
        byte[] x = a.rgb();
        byte[] y = r.rgb();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xFF) - (y[i] & 0xFF);
            sum += d * d;
        }
        return sum / x.length;
    }

    /** Channel-mean SSIM (scikit-image defaults, data_range 255). */
    public static double ssim(RgbImage a, RgbImage r) {
        double[] per = ssimPerChannel(a, r);
        double s = 0;
        for (double v : per) s += v;
        return s / per.length;
    }

    /** SSIM of each of the three channels. */
    public static double[] ssimPerChannel(RgbImage a, RgbImage r) {
        requireSameSize(a, r);
        int w = a.width();
        int h = a.height();
        if (w < WIN || h < WIN)
            throw new IllegalArgumentException("SSIM needs images of at least 7x7, got " + w + "x" + h);
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) out[c] = ssimChannel(channel(a, c), channel(r, c), w, h);
        return out;
    }

    /**
     * SSIM of one float64 plane. Only windows fully inside the image survive the 3-px crop, so the
     * filter's border mode (scipy 'reflect') never influences the result and is not implemented.
     */
    static double ssimChannel(double[] x, double[] y, int w, int h) {
        int pad = (WIN - 1) / 2;
        int ow = w - 2 * pad;
        int oh = h - 2 * pad;
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] ux = boxValid(x, w, h);
        double[] uy = boxValid(y, w, h);
        double[] uxx = boxValid(xx, w, h);
        double[] uyy = boxValid(yy, w, h);
        double[] uxy = boxValid(xy, w, h);
        double np = WIN * WIN;
        double covNorm = np / (np - 1);
        double sum = 0;
        for (int i = 0; i < ow * oh; i++) {
            double vx = covNorm * (uxx[i] - ux[i] * ux[i]);
            double vy = covNorm * (uyy[i] - uy[i] * uy[i]);
            double vxy = covNorm * (uxy[i] - ux[i] * uy[i]);
            double a1 = 2 * ux[i] * uy[i] + C1;
            double a2 = 2 * vxy + C2;
            double b1 = ux[i] * ux[i] + uy[i] * uy[i] + C1;
            double b2 = vx + vy + C2;
            sum += (a1 * a2) / (b1 * b2);
        }
        return sum / (ow * oh);
    }

    /** 7×7 mean over every fully-inside window; output (h−6)×(w−6), separable (rows then columns). */
    private static double[] boxValid(double[] v, int w, int h) {
        int ow = w - WIN + 1;
        int oh = h - WIN + 1;
        double[] rows = new double[ow * h];
        for (int yy = 0; yy < h; yy++) {
            int base = yy * w;
            for (int xx = 0; xx < ow; xx++) {
                double s = 0;
                for (int k = 0; k < WIN; k++) s += v[base + xx + k];
                rows[yy * ow + xx] = s / WIN;
            }
        }
        double[] out = new double[ow * oh];
        for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
                double s = 0;
                for (int k = 0; k < WIN; k++) s += rows[(yy + k) * ow + xx];
                out[yy * ow + xx] = s / WIN;
            }
        }
        return out;
    }

    private static double[] channel(RgbImage img, int c) {
        byte[] rgb = img.rgb();
        double[] out = new double[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) out[i] = rgb[i * 3 + c] & 0xFF;
        return out;
    }

    private static void requireSameSize(RgbImage a, RgbImage r) {
        if (a.width() != r.width() || a.height() != r.height())
            throw new IllegalArgumentException(
                    "image sizes differ: " + a.width() + "x" + a.height() + " vs " + r.width() + "x" + r.height()
                            + " (resize the reconstruction to the reference size first, spec §7.3)");
    }
}
