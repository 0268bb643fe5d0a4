package org.featmap.ml.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;

/**
 * Singular values of a linear map's weight and the spectrum metrics of spec §9.2–9.3 (AV14).
 * The SVD runs in float32 on the float32 weight, as numpy's {@code linalg.svd} on the stored W does
 * (EJML's float32 decomposition; singular values agree with LAPACK's to float32 rounding, ~1e-7 of
 * S_1); all metrics are then float64 with eps = 1e-12.
 */
public final class SvdMetrics {
    public static final double EPS = 1e-12;
    public static final double RANK_TOL = 1e-8;

    /** The columns of the reference's svd_table CSV after feat_key, backbone, manipulation. */
    public static final List<String> METRIC_COLUMNS = List.of(
            "rank",
            "spectral_norm",
            "frobenius_norm",
            "rmse_from_one",
            "near_one_pct",
            "effective_rank",
            "spectral_entropy",
            "energy_concentration",
            "top1_var",
            "top5_var",
            "top10_var");

    /** The header of an svd_table_&lt;backbone&gt;_&lt;featK&gt;.csv: the row's keys, then {@link #METRIC_COLUMNS}. */
    public static List<String> tableHeader() {
        List<String> h = new ArrayList<>(List.of("feat_key", "backbone", "manipulation"));
        h.addAll(METRIC_COLUMNS);
        return h;
    }

    public record Result(
            int rank,
            double spectralNorm,
            double frobeniusNorm,
            double rmseFromOne,
            double nearOnePct,
            double effectiveRank,
            double spectralEntropy,
            double energyConcentration,
            double top1Var,
            double top5Var,
            double top10Var) {

        /** Values in {@link #METRIC_COLUMNS} order, for a CSV row. */
        public List<String> csvValues() {
            return List.of(
                    Integer.toString(rank),
                    d(spectralNorm),
                    d(frobeniusNorm),
                    d(rmseFromOne),
                    d(nearOnePct),
                    d(effectiveRank),
                    d(spectralEntropy),
                    d(energyConcentration),
                    d(top1Var),
                    d(top5Var),
                    d(top10Var));
        }

        private static String d(double v) {
            return String.format(Locale.ROOT, "%.17g", v);
        }
    }

    private SvdMetrics() {}

    /**
     * Singular values (descending, float32 widened to double) of a row-major rows×cols float32
     * matrix W (out × in).
     */
    public static double[] singularValues(float[] weight, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || weight.length != rows * cols)
            throw new IllegalArgumentException(
                    "weight has " + weight.length + " values, expected " + rows + "x" + cols);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols, true, weight);
        SingularValueDecomposition_F32<FMatrixRMaj> svd = DecompositionFactory_FDRM.svd(rows, cols, false, false, true);
        if (!svd.decompose(m))
            throw new IllegalStateException("EJML SVD did not converge for a " + rows + "x" + cols + " weight");
        float[] s = svd.getSingularValues();
        int k = Math.min(rows, cols);
        double[] out = new double[k];
        for (int i = 0; i < k; i++) out[i] = s[i];
        Arrays.sort(out);
        for (int i = 0; i < k / 2; i++) {
            double t = out[i];
            out[i] = out[k - 1 - i];
            out[k - 1 - i] = t;
        }
        return out;
    }

    /** Metrics of a weight matrix: {@link #singularValues} then {@link #of(double[])}. */
    public static Result ofWeight(float[] weight, int rows, int cols) {
        return of(singularValues(weight, rows, cols));
    }

    /** Metrics of singular values S (descending), spec §9.3. */
    public static Result of(double[] s) {
        if (s.length == 0) throw new IllegalArgumentException("no singular values");
        for (int i = 1; i < s.length; i++)
            if (s[i] > s[i - 1])
                throw new IllegalArgumentException(
                        "singular values must be descending, S[" + i + "] = " + s[i] + " > S[" + (i - 1) + "]");
        int rank = 0;
        double sq = 0;
        double sum = 0;
        for (double v : s) {
            if (v > RANK_TOL) rank++;
            sq += v * v;
            sum += v;
        }
        double total = sq + EPS;
        double mean = sum / s.length;
        double dev = 0;
        int near = 0;
        double h = 0;
        for (double v : s) {
            double r = v / (mean + EPS) - 1;
            dev += r * r;
            if (Math.abs(r) < 0.1) near++;
            double p = v * v / total;
            h -= p * Math.log(p + EPS);
        }
        double top1 = s[0] * s[0] / total;
        return new Result(
                rank,
                s[0],
                Math.sqrt(total),
                Math.sqrt(dev / s.length),
                100.0 * near / s.length,
                Math.exp(h),
                h,
                top1,
                top1,
                topVar(s, 5, total),
                topVar(s, 10, total));
    }

    private static double topVar(double[] s, int k, double total) {
        double e = 0;
        for (int i = 0; i < Math.min(k, s.length); i++) e += s[i] * s[i];
        return e / total;
    }
}
