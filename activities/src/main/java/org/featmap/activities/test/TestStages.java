package org.featmap.activities.test;

import java.nio.file.Path;
import java.util.List;
import org.featmap.activities.stage.CellMode;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.ml.test.TestOptions;
import org.featmap.ml.test.TestResult;
import org.featmap.ml.test.TestStage;

/** Adapter of the test stage: the test of one cell (spec §7), computed by {@link TestStage#run}. */
public final class TestStages {

    private TestStages() {}

    /** The cell backbone's family from its export's manifest (planned since issue #17), else its config name. */
    static String family(StageContext ctx) {
        return ctx.params().has("backbone_family") ? ctx.str("backbone_family") : ctx.str("backbone");
    }

    /**
     * test: the §7.1 test-id selection (B12 fix: sorted, de-duplicated, default_rng(42).choice), mapped
     * test features through the intended chain (B8 fix), feature-space metrics of mapped vs true target
     * (for every layer), and image metrics through the reconstructions of the layer's decoder or of FeatInv
     * (ConvNeXt feat3, spec §7.4) where the sweep has one. The work
     * is {@link TestStage#run}, shared with the {@code featmap test} command.
     */
    public static void test(StageContext ctx) throws Exception {
        boolean spatialOnly = ctx.str("model").equals("spatial_only");
        TestOptions o = TestOptions.of(
                        CellMode.of(ctx),
                        ctx.str("dataset"),
                        ctx.str("layer"),
                        ctx.str("manipulation"),
                        FeatureInputs.layerStore(
                                ctx,
                                ctx.str("layer"),
                                org.featmap.ml.normstats.NormStatsStage.RESIZED,
                                ctx.str("manipulation")),
                        ctx.inputDir("images").resolve("augmented_test"),
                        WorkerDevice.device(),
                        ctx.outDir())
                .withSubsetSize(ctx.integer("subset_size"))
                .withModel(spatialOnly ? null : ctx.inputDir("model").resolve("model"), FeatureInputs.normFile(ctx))
                .withReconstructor(
                        ctx.task().inputs("reconstructor").isEmpty()
                                ? null
                                : ctx.inputDir("reconstructor").resolve("decoder"),
                        optionalPath(ctx, "featinv_export"),
                        family(ctx))
                .withEvalModels(optionalPath(ctx, "eval_backbone"), optionalPath(ctx, "lpips_export"))
                .withBatchSize(
                        ctx.params().has("batch_size")
                                ? ctx.integer("batch_size")
                                : TestOptions.BATCH); // nodes planned before test.batch_size was read
        TestResult r = TestStage.run(o, ctx.progress());
        r.summary().forEach(ctx::summary);
        ctx.metric("feature_mse", r.feature().mse(), 0);
        ctx.metric("feature_median_cos", r.feature().medianTokenCosine(), 0);
        ctx.metric("feature_r2", r.feature().r2(), 0);
        for (String k :
                List.of("image_mse", "image_ssim", "image_lpips", "image_median_cos", "image_masked_median_cos"))
            if (r.summary().get(k) instanceof Double d && !d.isNaN()) ctx.metric(k, d, 0);
        ctx.flushMetrics();
        // the run shows what the report shows: the grid, the tables (the reconstructions stay in the store)
        String run = ctx.trackingRun();
        for (String f : List.of("grid.png", "evaluation.csv"))
            if (java.nio.file.Files.isRegularFile(ctx.outDir().resolve(f)))
                ctx.tracker().logArtifact(run, null, ctx.outDir().resolve(f));
    }

    private static Path optionalPath(StageContext ctx, String key) {
        return ctx.params().hasNonNull(key) ? Path.of(ctx.str(key)) : null;
    }
}
