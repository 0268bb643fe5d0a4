package org.featmap.activities.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.featmap.activities.extract.ExtractStages;
import org.featmap.activities.normstats.NormStatsStages;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.train.TrainStages;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.classify.ClassifierTail;
import org.featmap.ml.classify.ClassifyOptions;
import org.featmap.ml.classify.ClassifyResult;
import org.featmap.ml.classify.ClassifyStage;
import org.featmap.ml.classify.FinetuneOptions;
import org.featmap.ml.classify.FinetuneResult;
import org.featmap.ml.classify.FinetuneStage;
import org.featmap.ml.classify.ProbabilityFile;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.report.CsvTable;

/** Adapters of classifier fine-tuning (S6) and feature classification + metrics (S7, S8). */
public final class ClassifyStages {
  private ClassifyStages() {}

  /** finetune: a new head on the frozen backbone, on the manipulated training images (spec §8.1). */
  public static void finetune(StageContext ctx) throws Exception {
    Path train = ctx.scratchDir().resolve("augmented_train");
    linkTrainingImages(ctx, train);
    Path out = ctx.outDir().resolve("head");
    FinetuneOptions o = FinetuneOptions.convnext(Path.of(ctx.str("export")), train, out)
        .withTraining(ctx.bool("augmented"), ctx.integer("epochs"), ctx.integer("batch_size"), 0.05)
        .withDropRate(Double.parseDouble(ctx.str("drop_rate")))
        .withRuntime(Long.parseLong(ctx.str("seed")), 0, ctx.progress());
    FinetuneResult r;
    try {
      r = FinetuneStage.run(o);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    ctx.summary("classes", r.classes().size());
    ctx.summary("train_images", r.trainImages());
    ctx.summary("best_epoch", r.bestEpoch());
    ctx.summary("best_val_top1", r.bestValTop1());
    String run = ctx.trackingRun();
    for (FinetuneResult.EpochLog e : r.history()) {
      ctx.tracker().logMetric(run, "train_loss", e.trainLoss(), e.epoch());
      ctx.tracker().logMetric(run, "val_loss", e.valLoss(), e.epoch());
      ctx.tracker().logMetric(run, "val_acc_top1", e.valTop1(), e.epoch());
      ctx.tracker().logMetric(run, "val_acc_top5", e.valTop5(), e.epoch());
      ctx.tracker().logMetric(run, "lr", e.lr(), e.epoch());
    }
  }

  /**
   * The classifier reads one ImageFolder root; the direct images and the generative edits are two
   * nodes, so their class folders are joined here with symbolic links (no copies).
   */
  static void linkTrainingImages(StageContext ctx, Path target) throws Exception {
    List<Path> roots = new ArrayList<>();
    roots.add(ctx.inputDir("images").resolve("augmented_train"));
    if (!ctx.task().inputs("edits").isEmpty()) roots.add(ctx.inputDir("edits").resolve("augmented_train"));
    for (Path root : roots) {
      if (!Files.isDirectory(root)) throw new BadInputException("no training images under " + root);
      try (Stream<Path> classes = Files.list(root)) {
        for (Path cls : classes.filter(Files::isDirectory).toList()) {
          try (Stream<Path> subs = Files.list(cls)) {
            for (Path sub : subs.filter(Files::isDirectory).toList()) {
              Path link = target.resolve(cls.getFileName().toString()).resolve(sub.getFileName().toString());
              Files.createDirectories(link.getParent());
              if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, sub);
            }
          }
        }
      }
    }
  }

  /** The mapped-file mode of spec §8.2: model, or model_manipulation for applied groups (fixes B14). */
  public static String mode(StageContext ctx) {
    return ctx.bool("apply_transform") ? ctx.str("model") + "_" + ctx.str("manipulation") : ctx.str("model");
  }

  /** classify: orig / edit / mapped probabilities of one cell's test pairs and their §8.3 metrics. */
  public static void classify(StageContext ctx) throws Exception {
    String layer = ctx.str("layer");
    String manip = ctx.str("manipulation");
    String dataset = ctx.str("dataset");
    Path out = ctx.outDir();
    Optional<NormStats> norm = TrainStages.norm(ctx);
    Path headDir = ctx.inputDir("classifier").resolve("head");
    Path backbone = Path.of(ctx.str("export"));
    try (FeatureStoreReader store = FeatureStoreReader.open(NormStatsStages.layerStore(ctx.inputDir("features"), layer));
        NDManager manager = NDManager.newBaseManager();
        TrainedMapping mapping = TrainedMapping.load(ctx.inputDir("model").resolve("model"), manager);
        ClassifierTail tail = ClassifierTail.open(backbone, headDir, layer, ExtractStages.device())) {
      int c = store.channels(), h = store.height(), w = store.width();
      NormStats ns = norm.orElse(null);
      Function<NDArray, NDArray> mapper = x -> {
        int b = (int) x.getShape().get(0);
        float[] y = mapping.apply(x.toFloatArray(), b, c, h, w, ns);
        return org.featmap.ml.Tensors.owned(x.getManager(), y, new Shape(b, c, h, w));
      };
      ClassifyResult r = ClassifyStage.run(new ClassifyOptions(store, manip, tail, mapper, mode(ctx), dataset, out, 32,
          ctx.progress()));
      ProbabilityFile.Probs o = ProbabilityFile.read(r.files().get("orig"));
      ProbabilityFile.Probs e = ProbabilityFile.read(r.files().get("edit"));
      ProbabilityFile.Probs m = ProbabilityFile.read(r.files().get("mapped"));
      ClassificationMetrics.Row row = ClassificationMetrics.compute(probs(o), probs(e), probs(m), mode(ctx), manip, layer, dataset);
      CsvTable.write(out.resolve("metrics.csv"), ClassificationMetrics.CSV_COLUMNS, List.of(row.csvValues()));
      ctx.summary("pairs", r.pairs());
      ctx.summary("acc_orig_top1", row.accOrigTop1());
      ctx.summary("acc_edit_top1", row.accEditTop1());
      ctx.summary("acc_mapped_top1", row.accMappedTop1());
      ctx.summary("top1_agreement_edit_mapped", row.top1AgreementEditMapped());
      String run = ctx.trackingRun();
      ctx.tracker().logMetric(run, "acc_mapped_top1", row.accMappedTop1(), 0);
      ctx.tracker().logMetric(run, "acc_edit_top1", row.accEditTop1(), 0);
      ctx.tracker().logMetric(run, "top1_agreement_edit_mapped", row.top1AgreementEditMapped(), 0);
    }
  }

  static ClassificationMetrics.Probs probs(ProbabilityFile.Probs p) {
    return new ClassificationMetrics.Probs(p.probs(), p.targets(), p.numClasses());
  }
}
