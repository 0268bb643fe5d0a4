package org.featmap.activities.analysis;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.SvdMetrics;
import org.featmap.ml.analysis.WxbMetrics;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairIndex;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.rng.NumpyDefaultRng;

/** Adapters of the linear-map analyses: W·x vs bias (spec §9.1) and SVD metrics (§9.2–9.3). */
public final class AnalysisStages {
    private AnalysisStages() {}

    /**
     * One linear cell on plain paths, the code path of both the wxb/svd nodes and {@code featmap wxb|svd}.
     *
     * @param model a trained model folder (TrainedMapping); it must hold a linear map
     */
    public record LinearCell(
            Path model, String dataset, String backbone, String group, String layer, String manipulation) {
        static LinearCell of(StageContext ctx) throws java.io.IOException {
            return new LinearCell(
                    ctx.inputDir("model").resolve("model"),
                    ctx.str("dataset"),
                    ctx.str("backbone"),
                    ctx.str("group"),
                    ctx.str("layer"),
                    ctx.str("manipulation"));
        }
    }

    /** The cell's model, refused with one line unless it is linear ({@code stage} names the caller). */
    static TrainedMapping linear(String stage, Path model, NDManager m) throws Exception {
        TrainedMapping t = TrainedMapping.load(model, m);
        String type = t.sidecar().path("model_type").asText("?");
        if (!"linear".equals(type)) {
            t.close();
            throw new BadInputException(stage + " needs a linear cell, got " + type + " (" + model + ")");
        }
        return t;
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }

    /** SVD of one linear map's weight and its §9.3 metrics into {@code out} (svd_metrics.csv, singular_values.csv). */
    public static SvdMetrics.Result svd(LinearCell cell, Path out) throws Exception {
        java.nio.file.Files.createDirectories(out);
        try (NDManager m = org.featmap.ml.ComputeDevice.manager(WorkerDevice.device());
                TrainedMapping t = linear("svd", cell.model(), m)) {
            float[][] wb = t.linearWeightAndBias();
            int c = wb[1].length;
            double[] s = SvdMetrics.singularValues(wb[0], c, c);
            SvdMetrics.Result r = SvdMetrics.of(s);
            String key = cell.dataset() + "_" + cell.backbone() + "_" + cell.group() + "_" + cell.manipulation()
                    + "_linear_" + cell.layer();
            List<String> header = new ArrayList<>(List.of("feat_key", "backbone", "manipulation"));
            header.addAll(SvdMetrics.METRIC_COLUMNS);
            List<String> row = new ArrayList<>(List.of(cell.layer(), cell.backbone(), key));
            row.addAll(r.csvValues());
            CsvTable.write(out.resolve("svd_metrics.csv"), header, List.of(row));
            List<List<String>> sv = new ArrayList<>();
            for (int i = 0; i < s.length; i++)
                sv.add(List.of(key, Integer.toString(i + 1), f(s[i]), f(s[i] * s[i]), cell.layer(), cell.backbone()));
            CsvTable.write(
                    out.resolve("singular_values.csv"),
                    List.of("manipulation", "rank", "singular_value", "singular_value_sq", "feat_key", "backbone"),
                    sv);
            return r;
        }
    }

    /** svd: singular values of the linear map's weight and the §9.3 metrics. */
    public static void svd(StageContext ctx) throws Exception {
        SvdMetrics.Result r = svd(LinearCell.of(ctx), ctx.outDir());
        ctx.summary("effective_rank", r.effectiveRank());
        ctx.summary("spectral_norm", r.spectralNorm());
        ctx.summary("rank", r.rank());
        List<String> values = r.csvValues();
        for (int i = 0; i < SvdMetrics.METRIC_COLUMNS.size(); i++) {
            double v = Double.parseDouble(values.get(i));
            if (Double.isFinite(v)) ctx.metric(SvdMetrics.METRIC_COLUMNS.get(i), v, 0);
        }
        ctx.flushMetrics();
        for (String f : List.of("svd_metrics.csv", "singular_values.csv"))
            ctx.tracker().logArtifact(ctx.trackingRun(), null, ctx.outDir().resolve(f));
    }

    /**
     * W·x vs bias of one linear cell on sampled test source maps (intended formula, B15 flag) into
     * {@code out}/wxb_metrics.csv; returns the summary entries (samples, median_&lt;metric&gt;).
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
        String manip = cell.manipulation();
        NormStats ns = norm == null ? null : NormStatsFile.read(norm);
        java.nio.file.Files.createDirectories(out);
        try (NDManager m = org.featmap.ml.ComputeDevice.manager(WorkerDevice.device());
                TrainedMapping t = linear("wxb", cell.model(), m);
                FeatureStoreReader store = FeatureStoreReader.open(features)) {
            float[][] wb = t.linearWeightAndBias();
            if (wb[1].length != store.channels())
                throw new BadInputException("wxb: the linear map of " + cell.model() + " has " + wb[1].length
                        + " channels, the feature store " + store.dir() + " has " + store.channels() + " ("
                        + store.layer() + ")");
            if (ns != null && ns.channels() != store.channels())
                throw new BadInputException(norm + ": statistics of " + ns.channels()
                        + " channels, the feature store has " + store.channels());
            PairIndex pairs = store.pairs().filter(manip);
            if (pairs.size() == 0)
                throw new BadInputException("no test pairs for manipulation '" + manip + "' in " + store.dir());
            long[][] all = new long[pairs.size()][];
            for (int i = 0; i < pairs.size(); i++)
                all[i] = new long[] {pairs.originalRow()[i], pairs.manipulatedRow()[i]};
            long[][] chosen = WxbMetrics.samplePairs(
                    all, samples, (n, k) -> new NumpyDefaultRng(seed).choiceWithoutReplacement(n, k));
            int c = store.channels(), hw = store.height() * store.width();
            float[] map = new float[c * hw];
            String model = WxbMetrics.modelName(cell.group(), manip);
            List<List<String>> rows = new ArrayList<>();
            Map<String, double[]> byMetric = new LinkedHashMap<>();
            for (String name : WxbMetrics.METRICS) byMetric.put(name, new double[chosen.length]);
            for (int i = 0; i < chosen.length; i++) {
                store.readRow((int) chosen[i][0], map, 0);
                // spec §11 B8: the intended input of a normalised layer is the normalised source map
                if (ns != null) ns.normalize(map, 0, 1, hw);
                WxbMetrics.Result r = WxbMetrics.compute(wb[0], wb[1], map, c, hw, compatDoubleBias);
                String id = WxbMetrics.sampleId(
                        cell.dataset(), cell.backbone(), cell.layer(), cell.group(), chosen[i][0], chosen[i][1]);
                for (Map.Entry<String, Double> e : r.asMap().entrySet()) {
                    rows.add(List.of(
                            id,
                            cell.dataset(),
                            cell.backbone(),
                            cell.layer(),
                            model,
                            cell.group(),
                            manip,
                            e.getKey(),
                            f(e.getValue())));
                    byMetric.get(e.getKey())[i] = e.getValue();
                }
                progress.report(i + 1, chosen.length, null);
            }
            CsvTable.write(out.resolve("wxb_metrics.csv"), WxbMetrics.CSV_COLUMNS, rows);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("samples", chosen.length);
            for (Map.Entry<String, double[]> e : byMetric.entrySet()) {
                double[] v = e.getValue().clone();
                Arrays.sort(v);
                summary.put("median_" + e.getKey(), v[(v.length - 1) / 2]);
            }
            return summary;
        }
    }

    /** wxb: weight-vs-bias dominance of the linear map on sampled test source maps (intended formula, B15 flag). */
    public static void wxb(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        Path norm = FeatureInputs.normFile(ctx);
        Map<String, Object> summary = wxb(
                LinearCell.of(ctx),
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
        ctx.tracker().logArtifact(ctx.trackingRun(), null, ctx.outDir().resolve("wxb_metrics.csv"));
    }
}
