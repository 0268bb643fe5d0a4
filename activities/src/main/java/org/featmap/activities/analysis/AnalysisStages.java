package org.featmap.activities.analysis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.LinearCell;
import org.featmap.ml.analysis.SvdMetrics;
import org.featmap.ml.analysis.SvdOptions;
import org.featmap.ml.analysis.SvdStage;
import org.featmap.ml.analysis.WxbOptions;
import org.featmap.ml.analysis.WxbStage;

/**
 * Adapters of the linear-map analyses: W·x vs bias (spec §9.1, {@link WxbStage}) and SVD metrics (§9.2–9.3,
 * {@link SvdStage}).
 */
public final class AnalysisStages {
    private AnalysisStages() {}

    static LinearCell cell(StageContext ctx) throws java.io.IOException {
        return new LinearCell(
                ctx.inputDir("model").resolve("model"),
                ctx.str("dataset"),
                ctx.str("backbone"),
                ctx.str("group"),
                ctx.str("layer"),
                ctx.str("manipulation"));
    }

    /**
     * SVD of one linear map's weight and its §9.3 metrics into {@code out} (svd_metrics.csv, singular_values.csv) on
     * the worker's device: the code path of both the svd node and {@code featmap svd}.
     */
    public static SvdMetrics.Result svd(LinearCell cell, Path out) throws Exception {
        return SvdStage.run(new SvdOptions(cell, out, WorkerDevice.device())).metrics();
    }

    /** svd: singular values of the linear map's weight and the §9.3 metrics. */
    public static void svd(StageContext ctx) throws Exception {
        SvdMetrics.Result r = svd(cell(ctx), ctx.outDir());
        ctx.summary("effective_rank", r.effectiveRank());
        ctx.summary("spectral_norm", r.spectralNorm());
        ctx.summary("rank", r.rank());
        List<String> values = r.csvValues();
        for (int i = 0; i < SvdMetrics.METRIC_COLUMNS.size(); i++) {
            double v = Double.parseDouble(values.get(i));
            if (Double.isFinite(v)) ctx.metric(SvdMetrics.METRIC_COLUMNS.get(i), v, 0);
        }
        ctx.flushMetrics();
        for (String f : List.of(SvdStage.METRICS_CSV, SvdStage.SINGULAR_VALUES_CSV))
            ctx.tracker().logArtifact(ctx.trackingRun(), null, ctx.outDir().resolve(f));
    }

    /**
     * W·x vs bias of one linear cell on sampled test source maps (intended formula, B15 flag) into
     * {@code out}/wxb_metrics.csv on the worker's device: the code path of both the wxb node and {@code featmap wxb};
     * returns the summary entries (samples, median_&lt;metric&gt;).
     *
     * @param features the layer's test feature store
     * @param norm norm.json of a normalised layer, or null
     */
    public static Map<String, Object> wxb(
            LinearCell cell,
            Path features,
            Path norm,
            int samples,
            long seed,
            boolean compatDoubleBias,
            Path out,
            Progress progress)
            throws Exception {
        return WxbStage.run(WxbOptions.of(cell, features, out, WorkerDevice.device())
                        .withNorm(norm)
                        .withSampling(samples, seed)
                        .withCompatDoubleBias(compatDoubleBias)
                        .withProgress(progress))
                .summary();
    }

    /** wxb: weight-vs-bias dominance of the linear map on sampled test source maps (intended formula, B15 flag). */
    public static void wxb(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        Path norm = FeatureInputs.normFile(ctx);
        Map<String, Object> summary = wxb(
                cell(ctx),
                FeatureInputs.layerStore(
                        ctx, layer, org.featmap.ml.normstats.NormStatsStage.RESIZED, ctx.str("manipulation")),
                norm,
                ctx.integer("samples"),
                Long.parseLong(ctx.str("seed")),
                ctx.bool("compat_double_bias"),
                ctx.outDir(),
                ctx.progress());
        summary.forEach(ctx::summary);
        for (Map.Entry<String, Object> e : summary.entrySet())
            if (e.getValue() instanceof Number n && Double.isFinite(n.doubleValue()))
                ctx.metric("wxb_" + e.getKey(), n.doubleValue(), 0);
        ctx.flushMetrics();
        ctx.tracker().logArtifact(ctx.trackingRun(), null, ctx.outDir().resolve(WxbStage.CSV));
    }
}
