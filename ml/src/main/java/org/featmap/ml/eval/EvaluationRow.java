package org.featmap.ml.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row of evaluations_<backbone>.csv in the reference's column order (spec §7.3 step 3). A metric
 * that could not be computed (e.g. LPIPS without an export) is written as an empty cell; the reason
 * belongs in the stage's report, never a silent zero.
 */
public record EvaluationRow(
        String mode,
        String dataset,
        String featureKey,
        String originalId,
        String targetManipulation,
        String originalImgPath,
        String manipulatedImgPath,
        String mappedImgPath,
        String evalFigPath,
        Metrics targetVsMapped,
        Metrics targetReconstructedVsMapped) {

    /** MSE, SSIM, LPIPS, MEDIAN_COS_SIM, MASKED_MEDIAN_COS_SIM of one comparison; NaN = not computed. */
    public record Metrics(double mse, double ssim, double lpips, double medianCosSim, double maskedMedianCosSim) {
        List<String> cells() {
            List<String> out = new ArrayList<>();
            for (double v : new double[] {mse, ssim, lpips, medianCosSim, maskedMedianCosSim})
                out.add(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.17g", v));
            return out;
        }
    }

    public static final List<String> COLUMNS = List.of(
            "mode",
            "dataset",
            "feature_key",
            "original_id",
            "target_manipulation",
            "original_img_path",
            "manipulated_img_path",
            "mapped_img_path",
            "eval_fig_path",
            "target_vs_mapped_MSE",
            "target_vs_mapped_SSIM",
            "target_vs_mapped_LPIPS",
            "target_vs_mapped_MEDIAN_COS_SIM",
            "target_vs_mapped_MASKED_MEDIAN_COS_SIM",
            "target_reconstructed_vs_mapped_MSE",
            "target_reconstructed_vs_mapped_SSIM",
            "target_reconstructed_vs_mapped_LPIPS",
            "target_reconstructed_vs_mapped_MEDIAN_COS_SIM",
            "target_reconstructed_vs_mapped_MASKED_MEDIAN_COS_SIM");

    public List<String> cells() {
        List<String> out = new ArrayList<>(List.of(
                mode,
                dataset,
                featureKey,
                originalId,
                targetManipulation,
                originalImgPath,
                manipulatedImgPath,
                mappedImgPath,
                evalFigPath));
        out.addAll(targetVsMapped.cells());
        out.addAll(targetReconstructedVsMapped.cells());
        return out;
    }

    /** eval_fig_path file name: every char outside [A-Za-z0-9_.-] becomes '_' (spec AV20). */
    public static String safeFileName(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
