package org.featmap.ml.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.featmap.ml.features.FeaturePairDataset;
import org.featmap.ml.features.PairIndex;

/**
 * Stage S7 (spec §8.2): every pair of one manipulation of a test feature store through the classifier
 * tail of its layer, giving three row-aligned softmax sets: {@code orig} = tail(source) with the source
 * labels, {@code edit} = tail(true manipulated) with the manipulated rows' labels, {@code mapped} =
 * tail(mapper(source)) with the source labels. Batches of {@code batchSize} in pair order, no shuffle.
 *
 * <p>Files in {@code outDir} (names of §8.2 with {@code .arrow} for {@code .pt}):
 * {@code probs_orig_<DATASET>_<manip>_<featK>.arrow}, {@code probs_edit_<DATASET>_<manip>_<featK>.arrow},
 * {@code probs_mapped_<DATASET>_<manip>_<featK>_<mode>.arrow} (see {@link ProbabilityFile}) and
 * {@code summary_<DATASET>_<manip>_<featK>[_<mode>].csv} (set,file,n,top1).
 */
public final class ClassifyStage {
    private ClassifyStage() {}

    public static String fileName(String set, String dataset, String manip, String layer, String mode) {
        return "probs_" + set + "_" + dataset + "_" + manip + "_" + layer + ("mapped".equals(set) ? "_" + mode : "")
                + ".arrow";
    }

    public static ClassifyResult run(ClassifyOptions o) throws IOException {
        String layer = o.store().layer();
        if (!layer.equals(o.tail().layer()))
            throw new IllegalArgumentException(o.store().dir() + ": store holds layer " + layer
                    + ", the classifier tail is for " + o.tail().layer());
        FeaturePairDataset ds = o.store().pairDataset(o.manipulation());
        int n = ds.size();
        if (n == 0)
            throw new IllegalArgumentException(o.store().dir() + ": no pairs of manipulation '" + o.manipulation()
                    + "' (store has "
                    + Arrays.stream(o.store().pairs().manipulation()).distinct().toList() + ")");
        PairIndex pairs = ds.pairs();
        int k = o.tail().numClasses();
        boolean mapped = o.mapper() != null;
        float[] pOrig = new float[n * k], pEdit = new float[n * k], pMapped = mapped ? new float[n * k] : null;
        int[] rows = new int[n], yOrig = new int[n], yEdit = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            yOrig[i] = o.store().classId(pairs.originalRow()[i]);
            yEdit[i] = o.store().classId(pairs.manipulatedRow()[i]);
        }
        NDManager base = org.featmap.ml.ComputeDevice.manager(o.tail().device());
        try (base) {
            for (int start = 0; start < n; start += o.batchSize()) {
                int b = Math.min(o.batchSize(), n - start);
                int[] idx = new int[b];
                for (int i = 0; i < b; i++) idx[i] = start + i;
                try (NDManager bm = base.newSubManager()) {
                    NDList batch = ds.readBatch(bm, idx);
                    NDArray src = batch.get(0), tgt = batch.get(1);
                    copy(o.tail().probs(src), pOrig, start * k);
                    copy(o.tail().probs(tgt), pEdit, start * k);
                    if (mapped) {
                        NDArray m = o.mapper().apply(src);
                        if (m != src) m.attach(bm);
                        copy(o.tail().probs(m), pMapped, start * k);
                    }
                }
                o.progress().report(start + b, n, null);
            }
        }
        Files.createDirectories(o.outDir());
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Double> top1 = new LinkedHashMap<>();
        write(o, "orig", rows, yOrig, pOrig, k, files, top1);
        write(o, "edit", rows, yEdit, pEdit, k, files, top1);
        if (mapped) write(o, "mapped", rows, yOrig, pMapped, k, files, top1);
        String summaryName = "summary_" + o.dataset() + "_" + o.manipulation() + "_" + layer
                + (mapped ? "_" + o.mode() : "") + ".csv";
        StringBuilder sb = new StringBuilder("set,file,n,top1\n");
        for (String set : files.keySet())
            sb.append(String.format(
                    Locale.ROOT, "%s,%s,%d,%.6f%n", set, files.get(set).getFileName(), n, top1.get(set)));
        Path summary = o.outDir().resolve(summaryName);
        HeadFiles.atomic(summary, os -> os.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return new ClassifyResult(n, files, top1, summary);
    }

    private static void copy(NDArray probs, float[] dst, int off) {
        float[] p = probs.toFloatArray();
        System.arraycopy(p, 0, dst, off, p.length);
    }

    private static void write(
            ClassifyOptions o,
            String set,
            int[] rows,
            int[] y,
            float[] p,
            int k,
            Map<String, Path> files,
            Map<String, Double> top1)
            throws IOException {
        String layer = o.store().layer();
        Path f = o.outDir().resolve(fileName(set, o.dataset(), o.manipulation(), layer, o.mode()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("featmap.set", set);
        meta.put("featmap.dataset", o.dataset());
        meta.put("featmap.manipulation", o.manipulation());
        meta.put("featmap.layer", layer);
        meta.put("featmap.backbone", o.store().backbone());
        meta.put("featmap.classes", String.join("\t", o.tail().classes()));
        if ("mapped".equals(set)) meta.put("featmap.mode", o.mode());
        ProbabilityFile.write(f, rows, y, p, k, meta);
        files.put(set, f);
        top1.put(set, top1(p, y, k));
    }

    /** Fraction of rows whose target has the largest probability (no strictly larger class). */
    static double top1(float[] p, int[] y, int k) {
        int hit = 0;
        for (int i = 0; i < y.length; i++) {
            boolean ok = true;
            for (int c = 0; c < k && ok; c++) if (p[i * k + c] > p[i * k + y[i]]) ok = false;
            if (ok) hit++;
        }
        return (double) hit / y.length;
    }
}
