package org.featmap.ml.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classification-probability metrics of spec §8.3 (AV15) for one (manipulation, layer, model):
 * the three row-aligned probability sets orig / edit / mapped are truncated to the shortest;
 * targets are the orig targets. Inputs are float32 softmax rows; arithmetic is float64.
 */
public final class ClassificationMetrics {
    public static final double ENTROPY_EPS = 1e-8;

    /** The CSV columns of metrics_STANFORD_CARS_all.csv in the reference's order. */
    public static final List<String> CSV_COLUMNS = List.of(
            "acc_orig_top1_mean",
            "acc_edit_top1_mean",
            "acc_mapped_top1_mean",
            "acc_orig_top5_mean",
            "acc_edit_top5_mean",
            "acc_mapped_top5_mean",
            "entropy_orig_mean",
            "entropy_orig_std",
            "entropy_edit_mean",
            "entropy_edit_std",
            "entropy_mapped_mean",
            "entropy_mapped_std",
            "jsd_orig_edit_mean",
            "jsd_orig_edit_std",
            "jsd_orig_mapped_mean",
            "jsd_orig_mapped_std",
            "top1_prob_diff_edit_mean",
            "top1_prob_diff_edit_std",
            "top1_prob_diff_mapped_mean",
            "top1_prob_diff_mapped_std",
            "top1_agreement_orig_mapped_mean",
            "top1_agreement_edit_mapped_mean",
            "n_samples",
            "model_type",
            "manipulation",
            "feature_key",
            "dataset");

    /** N rows of K class probabilities (row-major) with their int targets. */
    public record Probs(float[] probs, int[] targets, int k) {
        public Probs {
            if (k <= 0) throw new IllegalArgumentException("number of classes must be > 0, got " + k);
            if (probs.length % k != 0)
                throw new IllegalArgumentException("probs length " + probs.length + " is not a multiple of K = " + k);
            if (targets.length != probs.length / k)
                throw new IllegalArgumentException(
                        "targets has " + targets.length + " rows, probs has " + probs.length / k);
            if (targets.length == 0) throw new IllegalArgumentException("empty probability set");
        }

        public int n() {
            return targets.length;
        }

        double p(int row, int c) {
            return probs[row * k + c];
        }
    }

    /** Mean and unbiased (n−1) standard deviation; std is NaN for n = 1, as torch. */
    public record Stat(double mean, double std) {
        static Stat of(double[] v) {
            double m = 0;
            for (double x : v) m += x;
            m /= v.length;
            double s = 0;
            for (double x : v) s += (x - m) * (x - m);
            return new Stat(m, v.length > 1 ? Math.sqrt(s / (v.length - 1)) : Double.NaN);
        }
    }

    public record Row(
            double accOrigTop1,
            double accEditTop1,
            double accMappedTop1,
            double accOrigTop5,
            double accEditTop5,
            double accMappedTop5,
            Stat entropyOrig,
            Stat entropyEdit,
            Stat entropyMapped,
            Stat jsdOrigEdit,
            Stat jsdOrigMapped,
            Stat top1ProbDiffEdit,
            Stat top1ProbDiffMapped,
            double top1AgreementOrigMapped,
            double top1AgreementEditMapped,
            int nSamples,
            String modelType,
            String manipulation,
            String featureKey,
            String dataset) {

        /** Values in {@link #CSV_COLUMNS} order. */
        public List<String> csvValues() {
            List<String> v = new ArrayList<>();
            for (double d :
                    new double[] {accOrigTop1, accEditTop1, accMappedTop1, accOrigTop5, accEditTop5, accMappedTop5})
                v.add(fmt(d));
            for (Stat s : new Stat[] {
                entropyOrig,
                entropyEdit,
                entropyMapped,
                jsdOrigEdit,
                jsdOrigMapped,
                top1ProbDiffEdit,
                top1ProbDiffMapped
            }) {
                v.add(fmt(s.mean()));
                v.add(fmt(s.std()));
            }
            v.add(fmt(top1AgreementOrigMapped));
            v.add(fmt(top1AgreementEditMapped));
            v.add(Integer.toString(nSamples));
            v.add(modelType);
            v.add(manipulation);
            v.add(featureKey);
            v.add(dataset);
            return v;
        }

        private static String fmt(double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.10g", d);
        }
    }

    private ClassificationMetrics() {}

    /**
     * One CSV row. {@code modelType} is collapsed to "linear" when it starts with "linear_" (spec §8.3);
     * the caller resolves the mapped file with the §8.2 mode naming (fix of §11 B14).
     */
    public static Row compute(
            Probs orig,
            Probs edit,
            Probs mapped,
            String modelType,
            String manipulation,
            String featureKey,
            String dataset) {
        if (orig.k() != edit.k() || orig.k() != mapped.k())
            throw new IllegalArgumentException(
                    "class counts differ: orig " + orig.k() + ", edit " + edit.k() + ", mapped " + mapped.k());
        int n = Math.min(orig.n(), Math.min(edit.n(), mapped.n()));
        int[] targets = orig.targets();
        int k = orig.k();
        double[] diffEdit = new double[n];
        double[] diffMapped = new double[n];
        int agreeOrigMapped = 0;
        int agreeEditMapped = 0;
        for (int i = 0; i < n; i++) {
            double mo = orig.p(i, argmax(orig, i));
            diffEdit[i] = Math.abs(mo - edit.p(i, argmax(edit, i)));
            diffMapped[i] = Math.abs(mo - mapped.p(i, argmax(mapped, i)));
            if (argmax(orig, i) == argmax(mapped, i)) agreeOrigMapped++;
            if (argmax(edit, i) == argmax(mapped, i)) agreeEditMapped++;
        }
        String model = modelType.startsWith("linear_") ? "linear" : modelType;
        return new Row(
                topK(orig, targets, n, 1),
                topK(edit, targets, n, 1),
                topK(mapped, targets, n, 1),
                topK(orig, targets, n, 5),
                topK(edit, targets, n, 5),
                topK(mapped, targets, n, 5),
                Stat.of(entropy(orig, n)),
                Stat.of(entropy(edit, n)),
                Stat.of(entropy(mapped, n)),
                Stat.of(jsd(orig, edit, n)),
                Stat.of(jsd(orig, mapped, n)),
                Stat.of(diffEdit),
                Stat.of(diffMapped),
                (double) agreeOrigMapped / n,
                (double) agreeEditMapped / n,
                n,
                model,
                manipulation,
                featureKey,
                dataset);
    }

    /**
     * Fraction of the first n rows whose target is among the k largest probabilities (torch.topk;
     * ties broken towards the lower class index). k larger than K counts every row.
     */
    public static double topK(Probs p, int[] targets, int n, int k) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t < 0 || t >= p.k()) throw new IllegalArgumentException("target " + t + " outside 0.." + (p.k() - 1));
            double pt = p.p(i, t);
            int rank = 0;
            for (int c = 0; c < p.k(); c++) {
                double v = p.p(i, c);
                if (v > pt || (v == pt && c < t)) rank++;
            }
            if (rank < k) hits++;
        }
        return (double) hits / n;
    }

    /** Normalised entropy per row: (−Σ p ln(p + 1e-8)) / ln K. */
    public static double[] entropy(Probs p, int n) {
        double norm = Math.log(p.k());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double h = 0;
            for (int c = 0; c < p.k(); c++) {
                double v = p.p(i, c);
                h -= v * Math.log(v + ENTROPY_EPS);
            }
            out[i] = h / norm;
        }
        return out;
    }

    /**
     * Jensen–Shannon divergence in bits per row after renormalising both rows to sum 1. An exact zero
     * probability gives NaN (0·log 0), as the reference.
     */
    public static double[] jsd(Probs p, Probs q, int n) {
        double[] out = new double[n];
        int k = p.k();
        for (int i = 0; i < n; i++) {
            double sp = 0, sq = 0;
            for (int c = 0; c < k; c++) {
                sp += p.p(i, c);
                sq += q.p(i, c);
            }
            double kl1 = 0, kl2 = 0;
            for (int c = 0; c < k; c++) {
                double a = p.p(i, c) / sp;
                double b = q.p(i, c) / sq;
                double m = (a + b) / 2;
                kl1 += a * log2(a / m);
                kl2 += b * log2(b / m);
            }
            out[i] = 0.5 * kl1 + 0.5 * kl2;
        }
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** First index of the row maximum (torch.argmax). */
    static int argmax(Probs p, int row) {
        int best = 0;
        for (int c = 1; c < p.k(); c++) if (p.p(row, c) > p.p(row, best)) best = c;
        return best;
    }
}
