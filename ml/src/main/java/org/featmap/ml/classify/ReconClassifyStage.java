package org.featmap.ml.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.test.TestStage;

/**
 * Stage classify_recon, the image-level classification of one test cell's reconstructions (spec §8.4, the
 * reference's {@code test_img_convnext_classifier_recon.py}), on plain paths:
 * {@code run(ReconClassifyOptions) → ReconClassifyResult}, the code path of the classify_recon node (the adapter
 * {@code org.featmap.activities.classify.ClassifyStages#classifyRecon}).
 * The fine-tuned classifier (full backbone + head) classifies, for every test id of the cell, the
 * manipulated image, the reconstruction of its true features ("target recon", the reference's "edit")
 * and the reconstruction of the mapped features ("mapped recon"); labels are the class ids of the
 * test feature store (spec: "labels in target.dat"), carried in the test node's recon/index.csv.
 *
 * <p>The three sets are row-aligned and fed to the §8.3 metrics with manipulated in the "orig" slot,
 * target recon in "edit" and mapped recon in "mapped": jsd/agreement "orig_mapped" then compare the
 * mapped reconstruction with the manipulated image. Deviation from §8.4 (named): the reference only
 * reports top-1/top-5 per image type; the §8.3 metrics on top are this project's addition.
 */
public final class ReconClassifyStage {
    /** Probability files and CSV columns name the sets by what they are, not by the §8.3 slot. */
    public static final List<String> SETS = List.of("manipulated", "target_recon", "mapped_recon");

    public static final String METRICS_CSV = "recon_metrics.csv";
    /** §8.4's CSV: {@code model, mapping_type, feature, manipulation, image_type, top1, top5}. */
    public static final String RESULTS_CSV = "recon_results.csv";

    private ReconClassifyStage() {}

    /** The recon/index.csv rows of a test output; a missing index is bad input with the reason. */
    static List<String[]> readIndex(Path testOut) throws IOException {
        Path idx = testOut.resolve(TestStage.RECON_INDEX);
        if (!Files.isRegularFile(idx))
            throw new BadInputException(testOut + ": the test output has no reconstructions (" + TestStage.RECON_INDEX
                    + "); the test ran without a reconstructor");
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(idx)) {
            String header = r.readLine();
            if (header == null || !header.equals(String.join(",", TestStage.RECON_COLUMNS)))
                throw new BadInputException(
                        idx + ": header '" + header + "', expected " + String.join(",", TestStage.RECON_COLUMNS));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) continue;
                // ids and paths never hold commas (ids are file stems, paths are store paths); 5 fields exactly
                String[] f = line.split(",", -1);
                if (f.length != 5)
                    throw new BadInputException(idx + ": line '" + line + "' has " + f.length + " fields, expected 5");
                rows.add(f);
            }
        }
        if (rows.isEmpty()) throw new BadInputException(idx + ": no reconstructions listed");
        return rows;
    }

    public static ReconClassifyResult run(ReconClassifyOptions o) throws Exception {
        return run(o, Progress.NONE);
    }

    public static ReconClassifyResult run(ReconClassifyOptions o, Progress progress) throws Exception {
        List<String[]> idx = readIndex(o.testOut());
        int n = idx.size();
        Files.createDirectories(o.out());
        int[] targets = new int[n];
        int[] rowIds = new int[n];
        for (int i = 0; i < n; i++) {
            rowIds[i] = i;
            try {
                targets[i] = Integer.parseInt(idx.get(i)[1]);
            } catch (NumberFormatException e) {
                throw new BadInputException(o.testOut().resolve(TestStage.RECON_INDEX) + ": class_id '" + idx.get(i)[1]
                        + "' is not an integer");
            }
        }
        Map<String, float[]> probs = new LinkedHashMap<>();
        int k;
        try (ImageClassify.Classifier c = ImageClassify.Classifier.open(o.export(), o.head(), o.device())) {
            k = c.numClasses();
            for (int t : targets)
                if (t < 0 || t >= k)
                    throw new BadInputException(
                            "class_id " + t + " outside the classifier's " + k + " classes (" + o.head() + ")");
            for (String set : SETS) probs.put(set, new float[n * k]);
            int steps = (n + o.batchSize() - 1) / o.batchSize(), step = 0;
            for (int start = 0; start < n; start += o.batchSize()) {
                int b = Math.min(o.batchSize(), n - start);
                for (String set : SETS) {
                    List<RgbImage> batch = new ArrayList<>();
                    for (int j = 0; j < b; j++) batch.add(load(o, set, idx.get(start + j)));
                    System.arraycopy(c.probs(batch), 0, probs.get(set), start * k, b * k);
                }
                progress.report(++step, steps, null);
            }
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (String set : SETS) {
            Path f = o.out()
                    .resolve("probs_" + set + "_" + o.dataset() + "_" + o.manipulation() + "_" + o.layer() + "_"
                            + o.mode() + ".arrow");
            ProbabilityFile.write(
                    f,
                    rowIds,
                    targets,
                    probs.get(set),
                    k,
                    Map.of(
                            "featmap.set",
                            set,
                            "featmap.manipulation",
                            o.manipulation(),
                            "featmap.layer",
                            o.layer(),
                            "featmap.mode",
                            o.mode(),
                            "featmap.dataset",
                            o.dataset()));
            files.put(set, f);
        }
        ClassificationMetrics.Row row = ClassificationMetrics.compute(
                new ClassificationMetrics.Probs(probs.get("manipulated"), targets, k),
                new ClassificationMetrics.Probs(probs.get("target_recon"), targets, k),
                new ClassificationMetrics.Probs(probs.get("mapped_recon"), targets, k),
                o.mode(),
                o.manipulation(),
                o.layer(),
                o.dataset());
        CsvTable.write(o.out().resolve(METRICS_CSV), metricColumns(), List.of(row.csvValues()));
        double[][] acc = {
            {row.accOrigTop1(), row.accOrigTop5()},
            {row.accEditTop1(), row.accEditTop5()},
            {row.accMappedTop1(), row.accMappedTop5()}
        };
        List<List<String>> res = new ArrayList<>();
        String[] imageType = {"manipulated", "edit", "mapped"}; // §8.4's image_type names (edit = reconstructed target)
        for (int s = 0; s < 3; s++)
            res.add(List.of(
                    o.classifierName(),
                    o.mode(),
                    o.layer(),
                    o.manipulation(),
                    imageType[s],
                    fmt(acc[s][0]),
                    fmt(acc[s][1])));
        CsvTable.write(
                o.out().resolve(RESULTS_CSV),
                List.of("model", "mapping_type", "feature", "manipulation", "image_type", "top1", "top5"),
                res);
        return new ReconClassifyResult(n, row, files);
    }

    /** {@link ClassificationMetrics#CSV_COLUMNS} with the slots renamed: orig → manipulated, edit → target_recon, mapped → mapped_recon. */
    public static List<String> metricColumns() {
        List<String> cols = new ArrayList<>();
        for (String col : ClassificationMetrics.CSV_COLUMNS) {
            if (col.equals("model_type") || !col.contains("_")) {
                cols.add(col);
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (String p : col.split("_"))
                parts.add(
                        switch (p) {
                            case "orig" -> "manipulated";
                            case "edit" -> "target_recon";
                            case "mapped" -> "mapped_recon";
                            default -> p;
                        });
            cols.add(String.join("_", parts));
        }
        return cols;
    }

    private static RgbImage load(ReconClassifyOptions o, String set, String[] row) throws IOException {
        Path f = switch (set) {
            case "manipulated" -> o.images().resolve(row[2]);
            case "target_recon" -> o.testOut().resolve(row[4]);
            default -> o.testOut().resolve(row[3]);
        };
        if (!Files.isRegularFile(f))
            throw new BadInputException(f + ": listed in " + TestStage.RECON_INDEX + " but missing");
        return ImageCodec.decode(f);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.10g", v);
    }
}
