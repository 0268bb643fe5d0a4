package org.featmap.ml.eval;

import java.util.Arrays;

/**
 * Per-position cosine similarity of two CHW feature maps and its medians (spec §7.3:
 * MEDIAN_COS_SIM, MASKED_MEDIAN_COS_SIM). Cosine as torch {@code F.cosine_similarity(dim=0, eps=1e-8)}:
 * a·b / (max(‖a‖, eps)·max(‖b‖, eps)), accumulated in float64. Medians are torch's lower median
 * (spec N2: the evaluator uses the lower median).
 */
public final class CosineMetrics {
    public static final double EPS = 1e-8;

    private CosineMetrics() {}

    /** Cosine per position (row-major over h×w) of maps a and b, both float32 CHW with c·h·w values. */
    public static double[] perPosition(float[] a, float[] b, int c, int h, int w) {
        return perPosition(a, 0, b, 0, c, h, w);
    }

    /** As {@link #perPosition(float[], float[], int, int, int)} for maps stored at offsets aOff/bOff. */
    public static double[] perPosition(float[] a, int aOff, float[] b, int bOff, int c, int h, int w) {
        int n = h * w;
        if (a.length - aOff < c * n || b.length - bOff < c * n)
            throw new IllegalArgumentException("feature arrays shorter than C*H*W = " + c * n);
        double[] dot = new double[n];
        double[] na = new double[n];
        double[] nb = new double[n];
        for (int ch = 0; ch < c; ch++) {
            int ao = aOff + ch * n;
            int bo = bOff + ch * n;
            for (int p = 0; p < n; p++) {
                double x = a[ao + p];
                double y = b[bo + p];
                dot[p] += x * y;
                na[p] += x * x;
                nb[p] += y * y;
            }
        }
        double[] cos = new double[n];
        for (int p = 0; p < n; p++)
            cos[p] = dot[p] / (Math.max(Math.sqrt(na[p]), EPS) * Math.max(Math.sqrt(nb[p]), EPS));
        return cos;
    }

    /** torch.median semantics: the lower median, sorted[(n − 1) / 2]. */
    public static double lowerMedian(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("median of an empty list");
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    /** MEDIAN_COS_SIM of two maps. */
    public static double medianCosine(float[] a, float[] b, int c, int h, int w) {
        return lowerMedian(perPosition(a, b, c, h, w));
    }

    /**
     * MASKED_MEDIAN_COS_SIM: lower median over the positions whose mask cell is set (row-major, mask
     * length h·w); 0.0 when no cell is set, as the reference.
     */
    public static double maskedMedianCosine(float[] a, float[] b, int c, int h, int w, boolean[] mask) {
        if (mask.length != h * w)
            throw new IllegalArgumentException("mask has " + mask.length + " cells, feature map has " + h + "x" + w);
        double[] cos = perPosition(a, b, c, h, w);
        int k = 0;
        for (boolean m : mask) if (m) k++;
        if (k == 0) return 0.0;
        double[] sel = new double[k];
        int j = 0;
        for (int p = 0; p < cos.length; p++) if (mask[p]) sel[j++] = cos[p];
        return lowerMedian(sel);
    }

    /** Mean of the per-position cosines. */
    public static double meanCosine(float[] a, float[] b, int c, int h, int w) {
        double[] cos = perPosition(a, b, c, h, w);
        double s = 0;
        for (double v : cos) s += v;
        return s / cos.length;
    }
}
