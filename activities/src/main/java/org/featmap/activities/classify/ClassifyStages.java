package org.featmap.activities.classify;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.activities.stage.CellMode;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.classify.ClassifyCellOptions;
import org.featmap.ml.classify.ClassifyCellResult;
import org.featmap.ml.classify.ClassifyCellStage;
import org.featmap.ml.classify.FinetuneOptions;
import org.featmap.ml.classify.FinetuneResult;
import org.featmap.ml.classify.FinetuneStage;
import org.featmap.ml.classify.ReconClassifyOptions;
import org.featmap.ml.classify.ReconClassifyResult;
import org.featmap.ml.classify.ReconClassifyStage;

/** Adapters of classifier fine-tuning (S6) and feature classification + metrics (S7, S8). */
public final class ClassifyStages {
    private ClassifyStages() {}

    /**
     * One fine-tuning on plain paths: the code path of both the finetune node and {@code featmap finetune}.
     *
     * @param trainRoots {@code augmented_train} folders (ImageFolder roots) joined into one by links
     * @param scratch a private folder for the joined root
     * @param out the node's output folder; the head goes to {@code out/head}
     */
    public record FinetuneRun(
            Path export,
            List<Path> trainRoots,
            Path scratch,
            Path out,
            boolean augmented,
            int epochs,
            int batchSize,
            double learningRate,
            double dropRate,
            double labelSmoothing,
            long seed,
            Device device,
            Progress progress) {}

    public static FinetuneResult finetune(FinetuneRun f) throws Exception {
        return finetune(f, org.featmap.ml.EpochCheckpoints.none());
    }

    public static FinetuneResult finetune(FinetuneRun f, org.featmap.ml.EpochCheckpoints checkpoints) throws Exception {
        Path train = f.scratch().resolve("augmented_train");
        linkTrainingImages(f.trainRoots(), train);
        FinetuneOptions o = FinetuneOptions.convnext(f.export(), train, f.out().resolve("head"))
                .withTraining(f.augmented(), f.epochs(), f.batchSize(), 0.05)
                .withDropRate(f.dropRate())
                .withRuntime(f.seed(), 0, f.progress());
        o = new FinetuneOptions(
                o.backboneDir(),
                o.augmentedTrain(),
                o.outDir(),
                o.augment(),
                o.epochs(),
                o.batchSize(),
                f.learningRate(),
                o.weightDecay(),
                o.dropRate(),
                f.labelSmoothing(),
                o.valFraction(),
                o.patience(),
                o.seed(),
                f.device(),
                o.threads(),
                o.progress());
        try {
            return FinetuneStage.run(o, checkpoints);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** finetune: a new head on the frozen backbone, on the manipulated training images (spec §8.1). */
    public static void finetune(StageContext ctx) throws Exception {
        List<Path> roots = new ArrayList<>();
        roots.add(ctx.inputDir("images").resolve("augmented_train"));
        if (!ctx.task().inputs("edits").isEmpty())
            roots.add(ctx.inputDir("edits").resolve("augmented_train"));
        // epoch checkpoints in the store: a retry on another host continues after the last uploaded epoch (issue #14)
        Path ckpt = ctx.scratchDir().resolve("checkpoints");
        FinetuneResult r;
        try (org.featmap.activities.stage.StoreCheckpoints uploads =
                org.featmap.activities.stage.StoreCheckpoints.forNode(ctx, ckpt)) {
            r = finetune(
                    new FinetuneRun(
                            Path.of(ctx.str("export")),
                            roots,
                            ctx.scratchDir(),
                            ctx.outDir(),
                            ctx.bool("augmented"),
                            ctx.integer("epochs"),
                            ctx.integer("batch_size"),
                            Double.parseDouble(ctx.str("learning_rate")),
                            Double.parseDouble(ctx.str("drop_rate")),
                            Double.parseDouble(ctx.str("label_smoothing")),
                            Long.parseLong(ctx.str("seed")),
                            WorkerDevice.device(),
                            uploads.beating(
                                    ctx.progress())), // the worker's device (config routes finetune to the GPU queue)
                    new org.featmap.ml.EpochCheckpoints(ckpt, uploads::onCheckpoint));
        }
        ctx.summary("classes", r.classes().size());
        ctx.summary("train_images", r.trainImages());
        ctx.summary("best_epoch", r.bestEpoch());
        ctx.summary("best_val_top1", r.bestValTop1());
        for (FinetuneResult.EpochLog e : r.history()) {
            ctx.metric("train_loss", e.trainLoss(), e.epoch());
            ctx.metric("val_loss", e.valLoss(), e.epoch());
            ctx.metric("val_acc_top1", e.valTop1(), e.epoch());
            ctx.metric("val_acc_top5", e.valTop5(), e.epoch());
            ctx.metric("lr", e.lr(), e.epoch());
        }
        ctx.metric("best_val_top1", r.bestValTop1(), r.bestEpoch());
        ctx.flushMetrics();
    }

    /**
     * The classifier reads one ImageFolder root; the direct images and the generative edits are two
     * nodes, so their class folders are joined here with symbolic links (no copies).
     */
    static void linkTrainingImages(List<Path> roots, Path target) throws Exception {
        for (Path root : roots) {
            if (!Files.isDirectory(root)) throw new BadInputException("no training images under " + root);
            try (Stream<Path> classes = Files.list(root)) {
                for (Path cls : classes.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> subs = Files.list(cls)) {
                        for (Path sub : subs.filter(Files::isDirectory).toList()) {
                            Path link = target.resolve(cls.getFileName().toString())
                                    .resolve(sub.getFileName().toString());
                            Files.createDirectories(link.getParent());
                            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                                Files.createSymbolicLink(link, sub.toAbsolutePath());
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

    /**
     * classify: orig / edit / mapped probabilities of one cell's test pairs and their §8.3 metrics, computed by
     * {@link ClassifyCellStage#run} (shared with {@code featmap classify}).
     */
    public static void classify(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        Path norm = FeatureInputs.normFile(ctx);
        ClassifyCellOptions o = ClassifyCellOptions.of(
                        FeatureInputs.layerStore(
                                ctx, layer, org.featmap.ml.normstats.NormStatsStage.RESIZED, ctx.str("manipulation")),
                        ctx.inputDir("model").resolve("model"),
                        ctx.inputDir("classifier").resolve("head"),
                        Path.of(ctx.str("export")),
                        layer,
                        ctx.str("manipulation"),
                        mode(ctx),
                        WorkerDevice.device(),
                        ctx.outDir())
                .withNorm(norm)
                .withDataset(ctx.str("dataset"))
                .withProgress(ctx.progress());
        ClassifyCellResult res = ClassifyCellStage.run(o);
        ClassificationMetrics.Row row = res.row();
        ctx.summary("pairs", res.pairs());
        ctx.summary("acc_orig_top1", row.accOrigTop1());
        ctx.summary("acc_edit_top1", row.accEditTop1());
        ctx.summary("acc_mapped_top1", row.accMappedTop1());
        ctx.summary("top1_agreement_edit_mapped", row.top1AgreementEditMapped());
        ctx.metric("acc_orig_top1", row.accOrigTop1(), 0);
        ctx.metric("acc_edit_top1", row.accEditTop1(), 0);
        ctx.metric("acc_mapped_top1", row.accMappedTop1(), 0);
        ctx.metric("top1_agreement_edit_mapped", row.top1AgreementEditMapped(), 0);
        ctx.flushMetrics();
        ctx.tracker().logArtifact(ctx.trackingRun(), null, res.metricsCsv());
    }

    /**
     * classify_recon: the fine-tuned classifier on the cell's manipulated test images and on the decoder
     * reconstructions its test node saved (spec §8.4), with the §8.3 metrics of mapped recon vs manipulated.
     */
    public static void classifyRecon(StageContext ctx) throws Exception {
        ReconClassifyResult r = ReconClassifyStage.run(
                new ReconClassifyOptions(
                        ctx.inputDir("test"),
                        ctx.inputDir("images").resolve("augmented_test"),
                        Path.of(ctx.str("export")),
                        ctx.inputDir("classifier").resolve("head"),
                        ctx.str("classifier_backbone"),
                        CellMode.of(ctx),
                        ctx.str("dataset"),
                        ctx.str("layer"),
                        ctx.str("manipulation"),
                        ctx.integer("batch_size"),
                        WorkerDevice.device(),
                        ctx.outDir()),
                ctx.progress());
        ClassificationMetrics.Row row = r.row();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("recon_acc_manipulated_top1", row.accOrigTop1());
        metrics.put("recon_acc_target_recon_top1", row.accEditTop1());
        metrics.put("recon_acc_mapped_recon_top1", row.accMappedTop1());
        metrics.put("recon_acc_mapped_recon_top5", row.accMappedTop5());
        metrics.put("recon_top1_agreement_manipulated_mapped", row.top1AgreementOrigMapped());
        metrics.put("recon_top1_agreement_target_mapped", row.top1AgreementEditMapped());
        metrics.put("recon_jsd_manipulated_mapped", row.jsdOrigMapped().mean());
        ctx.summary("images", r.n());
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            ctx.summary(e.getKey(), e.getValue());
            if (!e.getValue().isNaN()) ctx.metric(e.getKey(), e.getValue(), 0);
        }
        ctx.flushMetrics();
        String run = ctx.trackingRun();
        ctx.tracker().logArtifact(run, null, ctx.outDir().resolve(ReconClassifyStage.METRICS_CSV));
        ctx.tracker().logArtifact(run, null, ctx.outDir().resolve(ReconClassifyStage.RESULTS_CSV));
    }
}
