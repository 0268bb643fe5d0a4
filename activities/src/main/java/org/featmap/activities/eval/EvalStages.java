package org.featmap.activities.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.featmap.activities.extract.ExtractStages;
import org.featmap.activities.normstats.NormStatsStages;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.train.TrainStages;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.eval.EvaluationRow;
import org.featmap.ml.eval.FeatureMetrics;
import org.featmap.ml.eval.ImageMetrics;
import org.featmap.ml.eval.TestSelection;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairIndex;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.mapping.SpatialTransform;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.reconstruct.Decoder;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderOptions;
import org.featmap.ml.reconstruct.DecoderResult;
import org.featmap.ml.reconstruct.DecoderTrainStage;
import org.featmap.ml.reconstruct.ReconstructionGrid;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.rng.NumpyDefaultRng;

/** Adapters of the evaluation stages: the learned-inversion decoder and the test of one cell (spec §7). */
public final class EvalStages {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int BATCH = 16;
  static final int GRID_ROWS = 6;

  private EvalStages() {}

  /** reconstruct: trains the decoder that inverts one backbone layer to images (issue #6 item 3). */
  public static void reconstruct(StageContext ctx) throws Exception {
    String layer = ctx.str("layer");
    Path images = ctx.inputDir("images").resolve("augmented_train");
    String run = ctx.trackingRun();
    DecoderOptions o = DecoderOptions.of(images, ctx.outDir().resolve("decoder"))
        .withModel(ctx.integer("image_size"), 64)
        .withTraining(DecoderLoss.L1, Float.parseFloat(ctx.str("learning_rate")), ctx.integer("batch_size"),
            ctx.integer("epochs"), Long.parseLong(ctx.str("seed")))
        .withRuntime(0, (epoch, epochs, train, val) -> {
          try {
            ctx.tracker().logMetric(run, "train_loss", train, epoch);
            ctx.tracker().logMetric(run, "val_loss", val, epoch);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, ctx.progress());
    try (FeatureStoreReader store = FeatureStoreReader.open(NormStatsStages.layerStore(ctx.inputDir("features"), layer))) {
      DecoderResult r = DecoderTrainStage.run(o, store);
      ctx.summary("initial_val_loss", r.initialValLoss());
      ctx.summary("final_val_loss", r.finalValLoss());
      ctx.summary("train_rows", r.trainRows());
      ctx.summary("samples_per_second", String.format(java.util.Locale.ROOT, "%.1f", r.samplesPerSecond()));
    }
  }

  /** The §7.2 mode name: spatial_only_<manip>, <model>_<manip> for applied groups, else <model>. */
  static String mode(StageContext ctx) {
    String model = ctx.str("model");
    if (model.equals("spatial_only")) return "spatial_only_" + ctx.str("manipulation");
    return ctx.bool("apply_transform") ? model + "_" + ctx.str("manipulation") : model;
  }

  /**
   * test: the §7.1 test-id selection (B12 fix: sorted, de-duplicated, default_rng(42).choice), mapped
   * test features through the intended chain (B8 fix), feature-space metrics of mapped vs true target
   * (for every layer), and image metrics through the decoder reconstructions where one exists.
   */
  public static void test(StageContext ctx) throws Exception {
    String layer = ctx.str("layer");
    String manip = ctx.str("manipulation");
    boolean spatialOnly = ctx.str("model").equals("spatial_only");
    Optional<NormStats> norm = TrainStages.norm(ctx);
    Path imagesRoot = ctx.inputDir("images").resolve("augmented_test");
    Path out = ctx.outDir();
    try (NDManager manager = NDManager.newBaseManager();
        FeatureStoreReader store = FeatureStoreReader.open(NormStatsStages.layerStore(ctx.inputDir("features"), layer));
        TrainedMapping mapping = spatialOnly ? null : TrainedMapping.load(ctx.inputDir("model").resolve("model"), manager);
        Decoder decoder = ctx.task().inputs("reconstructor").isEmpty() ? null
            : Decoder.load(ctx.inputDir("reconstructor").resolve("decoder"))) {
      PairIndex pairs = store.pairs().filter(manip);
      if (pairs.size() == 0) throw new BadInputException("no test pairs for manipulation '" + manip + "' in " + store.dir());
      List<String> pairIds = new ArrayList<>();
      for (int i = 0; i < pairs.size(); i++) pairIds.add(store.originalId(pairs.originalRow()[i]));
      TestSelection.Selection sel = TestSelection.select(new LinkedHashSet<>(pairIds), ctx.integer("subset_size"),
          (n, k) -> new NumpyDefaultRng(42).choiceWithoutReplacement(n, k));
      int[] keep = TestSelection.filterPairs(pairIds, new HashSet<>(sel.ids()));
      int c = store.channels(), h = store.height(), w = store.width(), per = c * h * w;
      FeatureMetrics fm = new FeatureMetrics(c, h, w);
      List<List<String>> rows = new ArrayList<>();
      List<RgbImage[]> grid = new ArrayList<>();
      List<String> gridLabels = new ArrayList<>();
      double sumMse = 0, sumSsim = 0, sumMseT = 0, sumSsimT = 0;
      int nImg = 0;
      String mode = mode(ctx);
      for (int start = 0; start < keep.length; start += BATCH) {
        int b = Math.min(BATCH, keep.length - start);
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
            mapped = SpatialTransform.apply(m.create(src, new Shape(b, c, h, w)), manip).toFloatArray();
          }
        } else {
          mapped = mapping.apply(src, b, c, h, w, norm.orElse(null));
        }
        fm.add(mapped, tgt, b);
        if (decoder == null) continue;
        List<RgbImage> recMapped;
        List<RgbImage> recTarget;
        try (NDManager m = manager.newSubManager()) {
          recMapped = decoder.reconstruct(m.create(mapped, new Shape(b, c, h, w)));
          recTarget = decoder.reconstruct(m.create(tgt, new Shape(b, c, h, w)));
        }
        for (int j = 0; j < b; j++) {
          int p = keep[start + j];
          String oPath = store.path(pairs.originalRow()[p]);
          String mPath = store.path(pairs.manipulatedRow()[p]);
          RgbImage original = ImageCodec.decode(imagesRoot.resolve(oPath));
          RgbImage manipulated = ImageCodec.decode(imagesRoot.resolve(mPath));
          // spec §7.3: reconstructions are brought to the manipulated image's size with Pillow bicubic
          RgbImage r = PillowResample.resize(recMapped.get(j), manipulated.width(), manipulated.height(), PillowResample.Filter.BICUBIC);
          RgbImage t = PillowResample.resize(recTarget.get(j), manipulated.width(), manipulated.height(), PillowResample.Filter.BICUBIC);
          double mse = ImageMetrics.mse(manipulated, r), ssim = ImageMetrics.ssim(manipulated, r);
          double mseT = ImageMetrics.mse(t, r), ssimT = ImageMetrics.ssim(t, r);
          sumMse += mse;
          sumSsim += ssim;
          sumMseT += mseT;
          sumSsimT += ssimT;
          nImg++;
          String id = store.originalId(pairs.originalRow()[p]);
          // LPIPS and the ConvNeXt-feat3 cosine image metrics are not computed by this build: empty cells
          // (never zeros), and the report says so.
          rows.add(new EvaluationRow(mode, ctx.str("dataset"), layer, id, manip, oPath, mPath, "", 
              EvaluationRow.safeFileName(id + "_" + manip) + ".png",
              new EvaluationRow.Metrics(mse, ssim, Double.NaN, Double.NaN, Double.NaN),
              new EvaluationRow.Metrics(mseT, ssimT, Double.NaN, Double.NaN, Double.NaN)).cells());
          if (grid.size() < GRID_ROWS) {
            grid.add(new RgbImage[] {original, manipulated, t, r});
            gridLabels.add(id);
          }
        }
        ctx.progress().report(Math.min(start + b, keep.length), keep.length, null);
      }
      FeatureMetrics.Result f = fm.result();
      Map<String, Object> fmJson = new LinkedHashMap<>();
      fmJson.put("mode", mode);
      fmJson.put("selected_ids", sel.ids().size());
      fmJson.put("candidate_ids", sel.candidates());
      fmJson.put("pairs", keep.length);
      fmJson.put("feature", f);
      JSON.writeValue(out.resolve("feature_metrics.json").toFile(), fmJson);
      ctx.summary("pairs", keep.length);
      ctx.summary("feature_mse", f.mse());
      ctx.summary("feature_median_cos", f.medianTokenCosine());
      ctx.summary("feature_mean_cos", f.meanTokenCosine());
      ctx.summary("feature_r2", f.r2());
      String run = ctx.trackingRun();
      ctx.tracker().logMetric(run, "feature_mse", f.mse(), 0);
      ctx.tracker().logMetric(run, "feature_median_cos", f.medianTokenCosine(), 0);
      ctx.tracker().logMetric(run, "feature_r2", f.r2(), 0);
      if (decoder != null && nImg > 0) {
        CsvTable.write(out.resolve("evaluation.csv"), EvaluationRow.COLUMNS, rows);
        ReconstructionGrid.write(out.resolve("grid.png"), grid, gridLabels,
            List.of("original", "manipulated (target)", "reconstructed target", "reconstructed mapped"));
        ctx.summary("image_mse", sumMse / nImg);
        ctx.summary("image_ssim", sumSsim / nImg);
        ctx.summary("image_mse_vs_target_recon", sumMseT / nImg);
        ctx.summary("image_ssim_vs_target_recon", sumSsimT / nImg);
        ctx.tracker().logMetric(run, "image_ssim", sumSsim / nImg, 0);
        ctx.tracker().logArtifact(run, "grid.png", out.resolve("grid.png"));
      } else {
        ctx.summary("image_metrics", "skipped because the sweep has no reconstructor for this layer");
      }
    }
  }

}
