package org.featmap.core.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.config.SweepConfig.Backbone;
import org.featmap.core.config.SweepConfig.Dataset;
import org.featmap.core.config.Vocabulary;

/**
 * What a plan costs: node counts, feature disk (float32 and the configured dtype) and a GPU-hour
 * estimate. The estimate is arithmetic on stated assumptions ({@link Assumptions}), not a
 * measurement; the assumptions are printed with it.
 */
public record PlanSummary(
        Map<String, Integer> counts,
        long featureRows,
        long featureBytesFloat32,
        long featureBytesConfigured,
        double gpuHours,
        Map<String, Double> gpuHoursByStage,
        List<String> assumptions) {

    /** Throughputs on one L40-class GPU; edit them here, they are printed with every estimate. */
    public record Assumptions(
            double extractImagesPerSecond,
            double trainSamplesPerSecond,
            int meanEpochs,
            double editSecondsPerImage,
            double testSecondsPerCell,
            double classifySecondsPerCell,
            double reconstructSecondsPerNode,
            double finetuneSecondsPerNode) {
        public static final Assumptions L40 = new Assumptions(300, 2000, 30, 30, 120, 30, 1800, 3600);
    }

    public static PlanSummary of(SweepConfig cfg, ExperimentGraph g) {
        return of(cfg, g, Assumptions.L40);
    }

    public static PlanSummary of(SweepConfig cfg, ExperimentGraph g, Assumptions a) {
        return of(cfg, g, a, Map.of());
    }

    /**
     * @param layerValues per backbone name, values (C·H·W) per layer as the export's manifest states them;
     *     a backbone without an entry is sized from spec §3.3's shapes by its name
     */
    public static PlanSummary of(
            SweepConfig cfg, ExperimentGraph g, Assumptions a, Map<String, Map<String, Long>> layerValues) {
        return of(cfg, g, a, layerValues, Map.of());
    }

    /**
     * @param fingerprints the plan's fingerprints: a backbone without manifest shapes is sized by its family as the
     *     planner reads it ({@link Planner#family(Backbone, Map)}: the manifest's {@code family:} entry, else its name)
     */
    public static PlanSummary of(
            SweepConfig cfg,
            ExperimentGraph g,
            Assumptions a,
            Map<String, Map<String, Long>> layerValues,
            Map<String, String> fingerprints) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        g.counts().forEach((s, n) -> counts.put(s.id(), n));
        long rows = 0;
        long bytes32 = 0;
        double extractImages = 0;
        int editImages = 0;
        int perValue = cfg.features().dtype().equals("float16") ? 2 : 4;
        int direct = cfg.images().manipulations().size() + 1; // + the resized original (spec §1.6)
        for (Dataset ds : cfg.datasets()) {
            long imgs = (long) ds.trainImages() + ds.testImages();
            long directRows = imgs * direct;
            long qwenRows = 0;
            if (ds.edits().enabled()) {
                int classes = ds.numClasses() > 0 ? ds.numClasses() : 0;
                long perClass = ds.edits().imagesPerClassTrain() + ds.edits().imagesPerClassTest();
                long originals = classes > 0 ? classes * perClass : Math.min(imgs, 200L * perClass);
                qwenRows = originals * (ds.edits().prompts().size() + 1);
                if (ds.edits().mode().equals("generate"))
                    editImages += originals * ds.edits().prompts().size();
            }
            boolean usesQwen = ds.groups().stream().anyMatch(gr -> gr.source().equals(Vocabulary.QWEN_SOURCE));
            long dsRows = directRows + (usesQwen ? qwenRows : 0);
            for (Backbone bb : cfg.backbones()) {
                rows += dsRows;
                extractImages += dsRows;
                bytes32 += dsRows * bytesPerRow(bb, layerValues.get(bb.name()), Planner.family(bb, fingerprints));
            }
        }
        long configured = bytes32 / 4 * perValue;
        Map<String, Double> hours = new LinkedHashMap<>();
        hours.put("extract", extractImages / a.extractImagesPerSecond() / 3600);
        int subset = cfg.training().trainSubsetSize();
        hours.put("train", counts.get("train") * (double) subset * a.meanEpochs() / a.trainSamplesPerSecond() / 3600);
        hours.put("test", counts.get("test") * a.testSecondsPerCell() / 3600);
        hours.put("classify", counts.get("classify") * a.classifySecondsPerCell() / 3600);
        // classification of reconstructions: three images per test id through the full classifier, costed as classify
        hours.put("classify_recon", counts.getOrDefault("classify_recon", 0) * a.classifySecondsPerCell() / 3600);
        hours.put("reconstruct", counts.get("reconstruct") * a.reconstructSecondsPerNode() / 3600);
        hours.put("finetune", counts.get("finetune") * a.finetuneSecondsPerNode() / 3600);
        hours.put("edit", editImages * a.editSecondsPerImage() / 3600);
        double total = hours.values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> text = List.of(
                "extraction " + a.extractImagesPerSecond()
                        + " images/s per GPU (all layers of one backbone per forward)",
                "training " + a.trainSamplesPerSecond() + " samples/s, " + a.meanEpochs()
                        + " epochs on average (early stopping), " + subset + " pairs per cell",
                "test " + a.testSecondsPerCell() + " s/cell, classify (and classify_recon) "
                        + a.classifySecondsPerCell() + " s/cell, decoder " + a.reconstructSecondsPerNode()
                        + " s/node, fine-tune " + a.finetuneSecondsPerNode() + " s/node",
                "generative edits " + a.editSecondsPerImage()
                        + " s/image (README of the reference; imports cost nothing)",
                sizesFrom(cfg, layerValues));
        return new PlanSummary(counts, rows, bytes32, configured, total, hours, text);
    }

    private static String sizesFrom(SweepConfig cfg, Map<String, Map<String, Long>> layerValues) {
        List<String> manifest = new java.util.ArrayList<>();
        List<String> spec = new java.util.ArrayList<>();
        for (Backbone bb : cfg.backbones()) (layerValues.containsKey(bb.name()) ? manifest : spec).add(bb.name());
        String s = "feature sizes: ";
        if (!manifest.isEmpty()) s += "layer shapes of the export manifests (" + String.join(", ", manifest) + ")";
        if (!manifest.isEmpty() && !spec.isEmpty()) s += "; ";
        if (!spec.isEmpty())
            s += "no export manifest for " + String.join(", ", spec)
                    + ": the layer shapes of spec §3.3 for convnext/swinv2 names, " + "else 1024×9×9 per layer";
        return s;
    }

    /** float32 bytes of one stored image at all of a backbone's layers (spec §3.7). */
    static long bytesPerRow(Backbone bb) {
        return bytesPerRow(bb, null, bb.name());
    }

    /**
     * As {@link #bytesPerRow(Backbone)}, with the manifest's values per layer where known and the spec's shapes of the
     * backbone's family elsewhere.
     */
    static long bytesPerRow(Backbone bb, Map<String, Long> manifest, String family) {
        long b = 0;
        for (String layer : bb.layers()) {
            if (manifest != null && manifest.containsKey(layer)) {
                b += manifest.get(layer) * 4;
                continue;
            }
            int k = layer.charAt(4) - '0';
            long values;
            if (family.startsWith("swin")) values = 1024L * 12 * 12;
            else if (family.startsWith("convnext") && k <= 3) values = (128L << k) * (72 >> k) * (72 >> k);
            else values = 1024L * 9 * 9;
            b += values * 4;
        }
        return b;
    }
}
