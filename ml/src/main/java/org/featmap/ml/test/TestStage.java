package org.featmap.ml.test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.Progress;
import org.featmap.ml.eval.ChangeMask;
import org.featmap.ml.eval.EvaluationRow;
import org.featmap.ml.eval.EvaluationTable;
import org.featmap.ml.eval.Feat3Cosine;
import org.featmap.ml.eval.FeatInvReconstructor;
import org.featmap.ml.eval.FeatureMetrics;
import org.featmap.ml.eval.ImageMetrics;
import org.featmap.ml.eval.Lpips;
import org.featmap.ml.eval.TestSelection;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairIndex;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.mapping.SpatialTransform;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.reconstruct.Decoder;
import org.featmap.ml.reconstruct.ReconstructionGrid;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.rng.NumpyDefaultRng;

/**
 * Stage S5, the test of one cell (spec §7), on plain paths: {@code run(TestOptions) → TestResult}, the code path of
 * both the graph's test node (the adapter {@code org.featmap.activities.test.TestStages#test}) and the
 * {@code featmap test} command.
 */
public final class TestStage {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final int GRID_ROWS = 6;
    /** Where the decoder reconstructions go (spec §7.2 saves them too), with {@link #RECON_INDEX} listing them. */
    public static final String RECON_DIR = "recon";
    /** Columns: original_id, class_id, manipulated_img_path, mapped_recon, target_recon (paths relative to the test output). */
    public static final String RECON_INDEX = "recon/index.csv";

    public static final List<String> RECON_COLUMNS =
            List.of("original_id", "class_id", "manipulated_img_path", "mapped_recon", "target_recon");

    private TestStage() {}

    /** Feature maps (B, C, H, W), raw (not normalised), to images: the learned decoder or FeatInv. */
    private interface Reconstructor extends AutoCloseable {
        List<RgbImage> reconstruct(NDArray features);

        @Override
        void close();
    }

    private static Reconstructor openReconstructor(TestOptions o, int c, int h, int w) throws IOException {
        if (o.decoder() != null) {
            Decoder d = Decoder.load(o.decoder(), o.device());
            return new Reconstructor() {
                public List<RgbImage> reconstruct(NDArray f) {
                    return d.reconstruct(f);
                }

                public void close() {
                    d.close();
                }
            };
        }
        if (o.featinv() == null) return null;
        Path manifest = Files.isDirectory(o.featinv()) ? o.featinv().resolve("manifest.json") : o.featinv();
        FeatInvReconstructor fi = FeatInvReconstructor.open(manifest, o.device());
        try {
            fi.manifest().requireLayer(o.backbone(), o.layer(), c, h, w); // o.backbone(): the family (issue #17 item 4)
        } catch (IllegalArgumentException e) {
            fi.close();
            throw new BadInputException(manifest + ": " + e.getMessage(), e);
        }
        int traced = fi.manifest().tracedBatch() / 2;
        return new Reconstructor() {
            public List<RgbImage> reconstruct(NDArray f) {
                NDManager m = f.getManager();
                NDArray xT;
                // spec §7.4: seed_everything(100) before every reconstruction, then x_T ~ N(0, I) on the device: the
                // same x_T for every sample, drawn by the engine's generator as the reference's torch.randn
                long[] lat = fi.manifest().latentShape().stream()
                        .mapToLong(Integer::longValue)
                        .toArray();
                synchronized (org.featmap.ml.TorchRandom.LOCK) {
                    org.featmap.ml.TorchRandom.seed(100);
                    xT = m.randomNormal(new Shape(1, lat[0], lat[1], lat[2]));
                }
                int n = (int) f.getShape().get(0);
                return fi.reconstructAll(f, xT, traced > 0 ? traced : n, Progress.NONE);
            }

            public void close() {
                fi.close();
            }
        };
    }

    /** As {@link #run(TestOptions, Progress)} without progress reports. */
    public static TestResult run(TestOptions o) throws Exception {
        return run(o, Progress.NONE);
    }

    public static TestResult run(TestOptions o, Progress progress) throws Exception {
        boolean spatialOnly = o.model() == null;
        NormStats norm = o.norm() == null ? null : NormStatsFile.read(o.norm());
        Files.createDirectories(o.out());
        Map<String, Object> summary = new LinkedHashMap<>();
        try (NDManager manager = org.featmap.ml.ComputeDevice.manager(o.device());
                FeatureStoreReader store = FeatureStoreReader.open(o.features());
                TrainedMapping mapping = spatialOnly ? null : TrainedMapping.load(o.model(), manager);
                Reconstructor recon = openReconstructor(o, store.channels(), store.height(), store.width());
                Feat3Cosine cosine = recon == null || o.evalBackbone() == null
                        ? null
                        : Feat3Cosine.open(o.evalBackbone(), o.device(), o.batchSize());
                Lpips lpips = recon == null || o.lpipsExport() == null
                        ? null
                        : Lpips.open(o.lpipsExport(), o.batchSize(), o.device())) {
            String manip = o.manipulation();
            PairIndex pairs = store.pairs().filter(manip);
            if (pairs.size() == 0)
                throw new BadInputException("no test pairs for manipulation '" + manip + "' in " + store.dir());
            List<String> pairIds = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) pairIds.add(store.originalId(pairs.originalRow()[i]));
            TestSelection.Selection sel = TestSelection.select(
                    new LinkedHashSet<>(pairIds),
                    o.subsetSize(),
                    (n, k) -> new NumpyDefaultRng(42).choiceWithoutReplacement(n, k));
            int[] keep = TestSelection.filterPairs(pairIds, new HashSet<>(sel.ids()));
            int c = store.channels(), h = store.height(), w = store.width(), per = c * h * w;
            FeatureMetrics fm = new FeatureMetrics(c, h, w);
            List<EvaluationRow> rows = new ArrayList<>();
            List<List<String>> reconIndex = new ArrayList<>();
            if (recon != null) Files.createDirectories(o.out().resolve(RECON_DIR));
            List<RgbImage[]> grid = new ArrayList<>();
            List<String> gridLabels = new ArrayList<>();
            double[] sums = new double[10]; // the ten metrics of EvaluationRow, summed where computed
            int[] counts = new int[10];
            for (int start = 0; start < keep.length; start += o.batchSize()) {
                int b = Math.min(o.batchSize(), keep.length - start);
                float[] src = new float[b * per];
                float[] tgt = new float[b * per];
                for (int j = 0; j < b; j++) {
                    int p = keep[start + j];
                    store.readRow(pairs.originalRow()[p], src, j * per);
                    store.readRow(pairs.manipulatedRow()[p], tgt, j * per);
                }
                float[] mapped;
                if (spatialOnly) {
                    try (NDManager m = manager.newSubManager()) {
                        mapped = SpatialTransform.apply(
                                        org.featmap.ml.Tensors.owned(m, src, new Shape(b, c, h, w)), manip)
                                .toFloatArray();
                    }
                } else {
                    mapped = mapping.apply(src, b, c, h, w, norm);
                }
                fm.add(mapped, tgt, b);
                if (recon == null) {
                    progress.report(Math.min(start + b, keep.length), keep.length, null);
                    continue;
                }
                List<RgbImage> recMapped;
                List<RgbImage> recTarget;
                try (NDManager m = manager.newSubManager()) {
                    recMapped = recon.reconstruct(org.featmap.ml.Tensors.owned(m, mapped, new Shape(b, c, h, w)));
                    recTarget = recon.reconstruct(org.featmap.ml.Tensors.owned(m, tgt, new Shape(b, c, h, w)));
                }
                List<RgbImage> originals = new ArrayList<>(),
                        targets = new ArrayList<>(),
                        rs = new ArrayList<>(),
                        ts = new ArrayList<>();
                for (int j = 0; j < b; j++) {
                    int p = keep[start + j];
                    RgbImage manipulated = ImageCodec.decode(o.images().resolve(store.path(pairs.manipulatedRow()[p])));
                    originals.add(ImageCodec.decode(o.images().resolve(store.path(pairs.originalRow()[p]))));
                    targets.add(manipulated);
                    // spec §7.3: reconstructions are brought to the manipulated image's size with Pillow bicubic
                    rs.add(PillowResample.resize(
                            recMapped.get(j),
                            manipulated.width(),
                            manipulated.height(),
                            PillowResample.Filter.BICUBIC));
                    ts.add(PillowResample.resize(
                            recTarget.get(j),
                            manipulated.width(),
                            manipulated.height(),
                            PillowResample.Filter.BICUBIC));
                }
                // feat3 of M, T and R in one batched pass; LPIPS of (M, R) and (T, R) in one batched pass
                List<float[]> f3 = null;
                if (cosine != null) {
                    List<RgbImage> all = new ArrayList<>(targets);
                    all.addAll(ts);
                    all.addAll(rs);
                    f3 = cosine.features(all);
                }
                double[] lp = null;
                if (lpips != null) {
                    List<RgbImage> left = new ArrayList<>(targets);
                    left.addAll(ts);
                    List<RgbImage> right = new ArrayList<>(rs);
                    right.addAll(rs);
                    lp = lpips.distances(left, right);
                }
                for (int j = 0; j < b; j++) {
                    int p = keep[start + j];
                    RgbImage m = targets.get(j), r = rs.get(j), t = ts.get(j);
                    double medM = Double.NaN, maskedM = Double.NaN, medT = Double.NaN, maskedT = Double.NaN;
                    if (f3 != null) {
                        boolean[] mask = ChangeMask.compute(originals.get(j), m);
                        float[] fr = f3.get(2 * b + j);
                        medM = cosine.median(f3.get(j), fr);
                        maskedM = cosine.maskedMedian(f3.get(j), fr, mask);
                        medT = cosine.median(f3.get(b + j), fr);
                        maskedT = cosine.maskedMedian(f3.get(b + j), fr, mask);
                    }
                    EvaluationRow.Metrics vsM = new EvaluationRow.Metrics(
                            ImageMetrics.mse(m, r),
                            ImageMetrics.ssim(m, r),
                            lp == null ? Double.NaN : lp[j],
                            medM,
                            maskedM);
                    EvaluationRow.Metrics vsT = new EvaluationRow.Metrics(
                            ImageMetrics.mse(t, r),
                            ImageMetrics.ssim(t, r),
                            lp == null ? Double.NaN : lp[b + j],
                            medT,
                            maskedT);
                    String id = store.originalId(pairs.originalRow()[p]);
                    // the raw decoder outputs (lossless PNG), as §7.2 saves <ID>_mapped.png and <ID>_target_recon.png;
                    // the §8.4 classification of reconstructions (classify_recon node) reads them
                    String safe = EvaluationRow.safeFileName(id + "_" + manip);
                    String mappedFile = RECON_DIR + "/" + safe + "_mapped.png",
                            targetFile = RECON_DIR + "/" + safe + "_target_recon.png";
                    ImageCodec.write(recMapped.get(j), o.out().resolve(mappedFile), ImageFormat.PNG);
                    ImageCodec.write(recTarget.get(j), o.out().resolve(targetFile), ImageFormat.PNG);
                    reconIndex.add(List.of(
                            id,
                            Integer.toString(store.classId(pairs.manipulatedRow()[p])),
                            store.path(pairs.manipulatedRow()[p]),
                            mappedFile,
                            targetFile));
                    EvaluationRow row = new EvaluationRow(
                            o.mode(),
                            o.dataset(),
                            o.layer(),
                            id,
                            manip,
                            store.path(pairs.originalRow()[p]),
                            store.path(pairs.manipulatedRow()[p]),
                            mappedFile,
                            EvaluationRow.safeFileName(id + "_" + manip) + ".png",
                            vsM,
                            vsT);
                    rows.add(row);
                    double[] v = {
                        vsM.mse(),
                        vsM.ssim(),
                        vsM.lpips(),
                        vsM.medianCosSim(),
                        vsM.maskedMedianCosSim(),
                        vsT.mse(),
                        vsT.ssim(),
                        vsT.lpips(),
                        vsT.medianCosSim(),
                        vsT.maskedMedianCosSim()
                    };
                    for (int k = 0; k < v.length; k++)
                        if (!Double.isNaN(v[k])) {
                            sums[k] += v[k];
                            counts[k]++;
                        }
                    if (grid.size() < GRID_ROWS) {
                        grid.add(new RgbImage[] {originals.get(j), m, t, r});
                        gridLabels.add(id);
                    }
                }
                progress.report(Math.min(start + b, keep.length), keep.length, null);
            }
            FeatureMetrics.Result f = fm.result();
            Map<String, Object> fmJson = new LinkedHashMap<>();
            fmJson.put("mode", o.mode());
            fmJson.put("selected_ids", sel.ids().size());
            fmJson.put("candidate_ids", sel.candidates());
            fmJson.put("pairs", keep.length);
            fmJson.put("feature", f);
            JSON.writeValue(o.out().resolve("feature_metrics.json").toFile(), fmJson);
            summary.put("pairs", keep.length);
            summary.put("feature_mse", f.mse());
            summary.put("feature_median_cos", f.medianTokenCosine());
            summary.put("feature_mean_cos", f.meanTokenCosine());
            summary.put("feature_r2", f.r2());
            if (recon != null && !rows.isEmpty()) {
                List<List<String>> cells = new ArrayList<>();
                for (EvaluationRow r : rows) cells.add(r.cells());
                CsvTable.write(o.out().resolve("evaluation.csv"), EvaluationRow.COLUMNS, cells);
                EvaluationTable.write(o.out().resolve("evaluation.arrow"), rows);
                CsvTable.write(o.out().resolve(RECON_INDEX), RECON_COLUMNS, reconIndex);
                ReconstructionGrid.write(
                        o.out().resolve("grid.png"),
                        grid,
                        gridLabels,
                        List.of("original", "manipulated (target)", "reconstructed target", "reconstructed mapped"));
                String[] names = {
                    "image_mse", "image_ssim", "image_lpips", "image_median_cos", "image_masked_median_cos"
                };
                for (int k = 0; k < 10; k++)
                    if (counts[k] > 0)
                        summary.put(names[k % 5] + (k >= 5 ? "_vs_target_recon" : ""), sums[k] / counts[k]);
                if (cosine == null)
                    summary.put(
                            "image_cosine",
                            "skipped because no backbone of family convnext is configured (eval_backbone)");
                else if (!cosine.maskFits())
                    summary.put(
                            "image_masked_cosine",
                            "skipped because the eval backbone's feat3 grid is " + cosine.height() + "x"
                                    + cosine.width() + ", not the 9x9 change mask (spec N7)");
                if (lpips == null) summary.put("image_lpips", "LPIPS skipped because no lpips_export is configured");
                else if (!lpips.net().equals("alex"))
                    summary.put(
                            "lpips_note",
                            "the LPIPS export is '" + lpips.net() + "', not AlexNet-LPIPS: values are not LPIPS");
            } else {
                summary.put("image_metrics", "skipped because the sweep has no reconstructor for this layer");
            }
            return new TestResult(f, keep.length, rows.size(), summary);
        }
    }
}
