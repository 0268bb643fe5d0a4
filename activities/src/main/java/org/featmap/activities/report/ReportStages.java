package org.featmap.activities.report;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.featmap.activities.stage.StageContext;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.store.NodeManifest;
import org.featmap.ml.report.HtmlReport;
import org.featmap.ml.report.ReportCharts;

/**
 * The sweep report (issue #7 item 5): one self-contained HTML page with the study's views, built from
 * the summaries and files of every cell that finished; cells that did not are listed as missing.
 */
public final class ReportStages {
    private ReportStages() {}

    /** A finished input: its id parts and summary. */
    record Cell(
            NodeTask.InputRef ref,
            String dataset,
            String group,
            String layerConfig,
            String manip,
            String model,
            Map<String, String> summary,
            Path dir) {}

    static Cell cell(NodeTask.InputRef in, NodeManifest m, Path dir) {
        String[] p = in.nodeId().split("/");
        // <stage>/<dataset>/<group>/<backbone>/<layer>/<manipulation>/<model>
        return new Cell(in, p[1], p[2], p[3] + "/" + p[4], p[5], p[6], m.summary(), dir);
    }

    static double num(Map<String, String> s, String k) {
        String v = s.get(k);
        if (v == null) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4g", v);
    }

    public static void report(StageContext ctx) throws Exception {
        Map<String, List<Cell>> byStage = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        Map<String, NodeManifest> edits = new java.util.TreeMap<>(); // issue #16: per-file failures of the edit imports
        List<String> missingEdits = new ArrayList<>();
        int results = 0;
        for (NodeTask.InputRef in : ctx.task().inputs()) {
            if (in.stage().equals("edit")) { // its manifest is all the report reads: no download of the images
                Optional<NodeManifest> m = ctx.store().manifest(in.stage(), in.key());
                if (m.isPresent()) edits.put(in.nodeId(), m.get());
                else missingEdits.add(in.nodeId());
                continue;
            }
            results++;
            Optional<NodeManifest> m = ctx.store().manifest(in.stage(), in.key());
            if (m.isEmpty()) {
                missing.add(in.nodeId());
                continue;
            }
            byStage.computeIfAbsent(in.stage(), s -> new ArrayList<>()).add(cell(in, m.get(), ctx.inputDirOf(in)));
        }
        Path out = ctx.outDir();
        RunLinks links = RunLinks.of(ctx);
        HtmlReport r = new HtmlReport("FeatMap sweep " + ctx.task().sweep());
        if (links.any())
            r.meta("Each cell's first column links to its MLflow run (params, per-epoch metrics, artifacts).");
        final int planned = results;
        r.meta(planned + " result nodes planned, " + missing.size() + " missing (failed or skipped)");
        List<HtmlReport.Block> trainBlocks = new ArrayList<>();
        List<Cell> train = byStage.getOrDefault("train", List.of());
        if (train.isEmpty()) trainBlocks.add(new HtmlReport.Missing("training results", "no training cell finished"));
        else {
            List<List<String>> rows = new ArrayList<>();
            for (Cell c : train)
                rows.add(List.of(
                        c.dataset() + "/" + c.group(),
                        c.layerConfig(),
                        c.manip(),
                        c.model(),
                        fmt(num(c.summary(), "best_val_loss")),
                        c.summary().getOrDefault("best_epoch", ""),
                        c.summary().getOrDefault("epochs_run", "")));
            trainBlocks.add(links.table(
                    new HtmlReport.Table(
                            "Best validation loss (COMBINED = 0.3·MSE + 0.7·(1 − median cosine)) per cell",
                            List.of(
                                    "dataset/group",
                                    "layer",
                                    "manipulation",
                                    "model",
                                    "best val loss",
                                    "best epoch",
                                    "epochs run"),
                            rows),
                    train));
        }
        r.section("Training", trainBlocks.toArray(HtmlReport.Block[]::new));

        List<Cell> tests = byStage.getOrDefault("test", List.of());
        List<HtmlReport.Block> testBlocks = new ArrayList<>();
        if (tests.isEmpty()) testBlocks.add(new HtmlReport.Missing("test results", "no test cell finished"));
        Map<String, Map<String, Map<String, Double>>> cosByLayer = new TreeMap<>();
        Map<String, Map<String, Map<String, Double>>> ssimByLayer = new TreeMap<>();
        List<List<String>> rows = new ArrayList<>();
        for (Cell c : tests) {
            cosByLayer
                    .computeIfAbsent(c.layerConfig(), k -> new TreeMap<>())
                    .computeIfAbsent(c.model(), k -> new TreeMap<>())
                    .put(c.manip(), num(c.summary(), "feature_median_cos"));
            ssimByLayer
                    .computeIfAbsent(c.layerConfig(), k -> new TreeMap<>())
                    .computeIfAbsent(c.model(), k -> new TreeMap<>())
                    .put(c.manip(), num(c.summary(), "image_ssim"));
            rows.add(List.of(
                    c.dataset() + "/" + c.group(),
                    c.layerConfig(),
                    c.manip(),
                    c.model(),
                    c.summary().getOrDefault("pairs", ""),
                    fmt(num(c.summary(), "feature_mse")),
                    fmt(num(c.summary(), "feature_median_cos")),
                    fmt(num(c.summary(), "feature_r2")),
                    fmt(num(c.summary(), "image_mse")),
                    fmt(num(c.summary(), "image_ssim"))));
        }
        int fig = 0;
        for (Map.Entry<String, Map<String, Map<String, Double>>> e : cosByLayer.entrySet()) {
            String file = "fig" + (fig++) + "_feature_cos.png";
            ReportCharts.groupedBar(
                    out.resolve(file),
                    "Mapped vs true target features, " + e.getKey(),
                    "manipulation",
                    "median token cosine (1 = identical)",
                    e.getValue());
            testBlocks.add(new HtmlReport.Figure(
                    file,
                    "Feature-space agreement of mapped and true manipulated features (" + e.getKey()
                            + "): lower-median cosine over all test tokens, per manipulation and model type."));
        }
        for (Map.Entry<String, Map<String, Map<String, Double>>> e : ssimByLayer.entrySet()) {
            boolean any = e.getValue().values().stream()
                    .anyMatch(m -> m.values().stream().anyMatch(v -> !v.isNaN()));
            if (!any) {
                testBlocks.add(
                        new HtmlReport.Missing("image metrics for " + e.getKey(), "no reconstructor for this layer"));
                continue;
            }
            String file = "fig" + (fig++) + "_image_ssim.png";
            ReportCharts.groupedBar(
                    out.resolve(file),
                    "Reconstruction of mapped features vs manipulated image, " + e.getKey(),
                    "manipulation",
                    "SSIM (1 = identical)",
                    e.getValue());
            testBlocks.add(
                    new HtmlReport.Figure(
                            file,
                            "Image-space agreement (" + e.getKey()
                                    + "): SSIM of the decoder's reconstruction of the mapped features against the manipulated image."));
        }
        if (!rows.isEmpty())
            testBlocks.add(links.table(
                    new HtmlReport.Table(
                            "Test metrics per cell (feature space for every layer; image space through the"
                                    + " decoder reconstructor; LPIPS and the ConvNeXt-feat3 cosine image metrics are not computed by this build)",
                            List.of(
                                    "dataset/group",
                                    "layer",
                                    "manipulation",
                                    "model",
                                    "pairs",
                                    "feature MSE",
                                    "median cos",
                                    "R²",
                                    "image MSE",
                                    "image SSIM"),
                            rows),
                    tests));
        // linear vs transformer gap
        List<List<String>> gap = new ArrayList<>();
        Map<String, Double> lin = new TreeMap<>();
        Map<String, Double> tr = new TreeMap<>();
        for (Cell c : tests) {
            String k = c.dataset() + " " + c.layerConfig() + " " + c.manip();
            if (c.model().equals("linear")) lin.put(k, num(c.summary(), "feature_median_cos"));
            if (c.model().equals("transformer")) tr.put(k, num(c.summary(), "feature_median_cos"));
        }
        for (String k : lin.keySet())
            if (tr.containsKey(k)) gap.add(List.of(k, fmt(lin.get(k)), fmt(tr.get(k)), fmt(tr.get(k) - lin.get(k))));
        if (gap.isEmpty())
            testBlocks.add(new HtmlReport.Missing(
                    "linear vs transformer gap", "no manipulation has both a linear and a transformer cell"));
        else
            testBlocks.add(new HtmlReport.Table(
                    "Linear vs transformer (median token cosine; gap = transformer − linear)",
                    List.of("dataset layer manipulation", "linear", "transformer", "gap"),
                    gap));
        r.section("Test: mapped vs true manipulated features and images", testBlocks.toArray(HtmlReport.Block[]::new));

        List<Cell> cls = byStage.getOrDefault("classify", List.of());
        List<HtmlReport.Block> clsBlocks = new ArrayList<>();
        if (cls.isEmpty())
            clsBlocks.add(new HtmlReport.Missing(
                    "classification", "no classification cell finished (or classify is disabled)"));
        else {
            Map<String, Map<String, Double>> agree = new TreeMap<>();
            Map<String, Map<String, List<Double>>> acc = new TreeMap<>();
            for (Cell c : cls) {
                acc.computeIfAbsent(c.model(), k -> new TreeMap<>())
                        .computeIfAbsent(c.layerConfig(), k -> new ArrayList<>())
                        .add(num(c.summary(), "top1_agreement_edit_mapped"));
            }
            acc.forEach((model, m) -> m.forEach((layer, l) -> agree.computeIfAbsent(model, k -> new TreeMap<>())
                    .put(
                            layer,
                            l.stream()
                                    .mapToDouble(Double::doubleValue)
                                    .average()
                                    .orElse(Double.NaN))));
            String file = "fig" + (fig++) + "_class_agreement.png";
            ReportCharts.lineAcross(
                    out.resolve(file),
                    "Top-1 agreement of mapped with true manipulated features",
                    "layer",
                    "fraction of test pairs",
                    agree);
            clsBlocks.add(new HtmlReport.Figure(
                    file,
                    "Does the classifier see the same class in mapped and in truly manipulated"
                            + " features? Mean over manipulations, per model type and layer."));
            List<List<String>> crow = new ArrayList<>();
            for (Cell c : cls)
                crow.add(List.of(
                        c.layerConfig(),
                        c.manip(),
                        c.model(),
                        fmt(num(c.summary(), "acc_orig_top1")),
                        fmt(num(c.summary(), "acc_edit_top1")),
                        fmt(num(c.summary(), "acc_mapped_top1")),
                        fmt(num(c.summary(), "top1_agreement_edit_mapped"))));
            clsBlocks.add(links.table(
                    new HtmlReport.Table(
                            "Top-1 accuracy of original, manipulated and mapped test features",
                            List.of(
                                    "layer",
                                    "manipulation",
                                    "model",
                                    "orig",
                                    "edit",
                                    "mapped",
                                    "agreement edit/mapped"),
                            crow),
                    cls));
        }
        r.section("Classification of mapped features", clsBlocks.toArray(HtmlReport.Block[]::new));

        r.section(
                "Classification of reconstructions (§8.4)",
                reconBlocks(
                                byStage.getOrDefault("classify_recon", List.of()),
                                ctx.task().inputs("classify_recon").size())
                        .toArray(HtmlReport.Block[]::new));

        List<HtmlReport.Block> linBlocks = new ArrayList<>();
        List<Cell> wxb = byStage.getOrDefault("wxb", List.of());
        if (wxb.isEmpty())
            linBlocks.add(new HtmlReport.Missing("W·x vs bias", "no W·x/bias cell finished (or it is disabled)"));
        else {
            Map<String, Map<String, Double>> share = new TreeMap<>();
            for (Cell c : wxb)
                share.computeIfAbsent(c.manip(), k -> new TreeMap<>())
                        .put(c.layerConfig(), num(c.summary(), "median_wx_share"));
            String file = "fig" + (fig++) + "_wx_share.png";
            ReportCharts.lineAcross(
                    out.resolve(file),
                    "Weight vs bias dominance of the linear maps",
                    "layer",
                    "median ‖Wx‖ / ‖Wx + b‖",
                    share);
            linBlocks.add(
                    new HtmlReport.Figure(
                            file,
                            "Share of the linear map's output norm carried by W·x (1 = the input"
                                    + " dominates, 0 = the bias dominates), median over sampled test maps (spec §9.1, intended formula)."));
        }
        List<Cell> svd = byStage.getOrDefault("svd", List.of());
        if (svd.isEmpty())
            linBlocks.add(new HtmlReport.Missing("effective rank", "no SVD cell finished (or it is disabled)"));
        else {
            Map<String, Map<String, Double>> er = new TreeMap<>();
            Map<String, double[]> spectra = new TreeMap<>();
            for (Cell c : svd) {
                er.computeIfAbsent(c.manip(), k -> new TreeMap<>())
                        .put(c.layerConfig(), num(c.summary(), "effective_rank"));
                Path sv = c.dir().resolve("singular_values.csv");
                if (Files.exists(sv) && spectra.size() < 8)
                    spectra.put(c.manip() + " " + c.layerConfig(), readSpectrum(sv));
            }
            String file = "fig" + (fig++) + "_effective_rank.png";
            ReportCharts.lineAcross(
                    out.resolve(file),
                    "Effective rank of the linear maps",
                    "layer",
                    "exp(entropy of S²/ΣS²) (dimensions)",
                    er);
            linBlocks.add(
                    new HtmlReport.Figure(file, "Entropy effective rank of each linear map's weight (spec §9.3)."));
            String spec = "fig" + (fig++) + "_spectra.png";
            ReportCharts.spectrum(out.resolve(spec), "Singular-value spectra of the linear maps", spectra);
            linBlocks.add(new HtmlReport.Figure(spec, "Singular values S_i of W (log scale), up to 8 cells."));
        }
        r.section("Linear maps: W·x vs bias and spectra", linBlocks.toArray(HtmlReport.Block[]::new));
        if (!edits.isEmpty() || !missingEdits.isEmpty()) r.section("Imported edits", editBlocks(edits, missingEdits));
        if (!missing.isEmpty()) {
            List<List<String>> mrows = new ArrayList<>();
            for (String id : missing) mrows.add(List.of(id));
            r.section(
                    "Missing results",
                    new HtmlReport.Missing(
                            missing.size() + " result nodes", "they failed or were skipped; see the sweep's status"),
                    new HtmlReport.Table("Nodes without results", List.of("node"), mrows));
        }
        r.write(out, "index.html");
        ctx.summary("missing", missing.size());
        ctx.summary("figures", fig);
        String run = ctx.task().sweepRunId();
        // the whole folder (page, figures) on the sweep run, where the UI shows it as report/index.html
        if (run != null) ctx.tracker().logArtifacts(run, "report", out);
    }

    /** Files listed per edit import that it could not take (bad name, unknown edit, unreadable), at most 200 per node. */
    static final int LISTED_EDIT_FAILURES = 200;

    static HtmlReport.Block[] editBlocks(Map<String, NodeManifest> edits, List<String> missingEdits) {
        List<HtmlReport.Block> blocks = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> failed = new ArrayList<>();
        edits.forEach((id, m) -> {
            rows.add(List.of(
                    id,
                    m.summary().getOrDefault("imported", ""),
                    Integer.toString(m.failures().size())));
            for (int i = 0; i < Math.min(LISTED_EDIT_FAILURES, m.failures().size()); i++)
                failed.add(List.of(id, m.failures().get(i)));
            if (m.failures().size() > LISTED_EDIT_FAILURES)
                failed.add(List.of(
                        id,
                        (m.failures().size() - LISTED_EDIT_FAILURES) + " more (the node's manifest lists them all)"));
        });
        if (!rows.isEmpty())
            blocks.add(new HtmlReport.Table(
                    "Generative edits imported per split", List.of("node", "imported", "files not imported"), rows));
        if (!failed.isEmpty())
            blocks.add(
                    new HtmlReport.Table("Files the edit import could not take", List.of("node", "file: why"), failed));
        for (String id : missingEdits)
            blocks.add(new HtmlReport.Missing(id, "the import did not finish; see the sweep's status"));
        return blocks.toArray(HtmlReport.Block[]::new);
    }

    /** Links from a cell's row to its run in this execution (empty without tracking). */
    record RunLinks(Map<String, String> byKey) {
        static RunLinks of(StageContext ctx) throws java.io.IOException {
            String sweepRun = ctx.task().sweepRunId();
            Map<String, String> m = new java.util.HashMap<>();
            if (sweepRun != null) {
                String exp = ctx.tracker().experimentOfRun(sweepRun);
                for (var v : ctx.tracker().findRuns(exp, Map.of(org.featmap.core.tracking.Tracker.PARENT, sweepRun))) {
                    String url = ctx.tracker().runUrl(exp, v.runId());
                    String key = v.tags().get(org.featmap.core.tracking.Tracker.CELL_KEY);
                    if (url != null && key != null) m.put(key, url);
                }
            }
            return new RunLinks(m);
        }

        boolean any() {
            return !byKey.isEmpty();
        }

        HtmlReport.Table table(HtmlReport.Table t, List<Cell> cells) {
            if (byKey.isEmpty()) return t;
            List<String> l = new ArrayList<>();
            for (Cell c : cells) l.add(byKey.get(c.ref().key()));
            return t.withLinks(l);
        }
    }

    /**
     * The §8.4 view: per cell, top-1 of the fine-tuned classifier on the manipulated images and on the
     * reconstructions of the true and of the mapped features, and how often mapped recon and manipulated
     * image get the same class; marked missing when no classify_recon node is planned or none finished.
     */
    static List<HtmlReport.Block> reconBlocks(List<Cell> cells, int planned) {
        List<HtmlReport.Block> blocks = new ArrayList<>();
        if (cells.isEmpty()) {
            blocks.add(new HtmlReport.Missing(
                    "classification of reconstructions",
                    planned == 0
                            ? "not planned: it needs a test reconstructor and a fine-tuned classifier (classify) for the dataset"
                            : "none of the " + planned + " classify_recon cells finished"));
            return blocks;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, String> s = c.summary();
            rows.add(List.of(
                    c.layerConfig(),
                    c.manip(),
                    c.model(),
                    s.getOrDefault("images", ""),
                    fmt(num(s, "recon_acc_manipulated_top1")),
                    fmt(num(s, "recon_acc_target_recon_top1")),
                    fmt(num(s, "recon_acc_mapped_recon_top1")),
                    fmt(num(s, "recon_top1_agreement_manipulated_mapped")),
                    fmt(num(s, "recon_jsd_manipulated_mapped"))));
        }
        blocks.add(new HtmlReport.Table(
                "Top-1 of the fine-tuned classifier on manipulated test images and on decoder"
                        + " reconstructions of their true (target) and mapped features; agreement and JSD compare mapped recon with the"
                        + " manipulated image (spec §8.3 metrics; per-cell files recon_metrics.csv, recon_results.csv)",
                List.of(
                        "layer",
                        "manipulation",
                        "model",
                        "images",
                        "manipulated",
                        "target recon",
                        "mapped recon",
                        "agreement manip./mapped",
                        "JSD manip./mapped"),
                rows));
        return blocks;
    }

    static double[] readSpectrum(Path csv) throws Exception {
        List<Double> v = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] p = line.split(",");
                if (p.length >= 3) v.add(Double.parseDouble(p[2]));
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
