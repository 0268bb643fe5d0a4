package org.featmap.activities.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.StoreCheckpoints;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.tracking.Tracker;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairDataset;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.normstats.NormStatsStage;
import org.featmap.ml.train.LossType;
import org.featmap.ml.train.TrainListener;
import org.featmap.ml.train.TrainOptions;
import org.featmap.ml.train.TrainResult;
import org.featmap.ml.train.TrainStage;

/**
 * Adapter of one mapping-training cell (S4) to a graph node. Epoch checkpoints are written to the node's
 * scratch folder and copied in the background to the sweep's store ({@link StoreCheckpoints}), so a retried
 * attempt on this machine or any other resumes from the last one (spec §6.5 rules stay intact: the resumed run
 * ends exactly as an uninterrupted one).
 */
public final class TrainStages {
    private TrainStages() {}

    /** The normalisation statistics of a node's "norm" input, if it has one. */
    public static Optional<NormStats> norm(StageContext ctx) throws IOException {
        if (ctx.task().inputs("norm").isEmpty()) return Optional.empty();
        return Optional.of(NormStatsFile.read(ctx.inputDir("norm").resolve(NormStatsFile.FILE)));
    }

    public static void train(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        String manip = ctx.str("manipulation");
        JsonNode t = ctx.params().get("training");
        Path features =
                FeatureInputs.layerStore(ctx, layer, NormStatsStage.RESIZED, manip); // the pairs' two partitions
        Optional<NormStats> norm = norm(ctx);
        Tracker tracker = ctx.tracker();
        String run = ctx.trackingRun(); // its params (coordinates and training settings) come from the node (NodeRuns)

        try (FeatureStoreReader reader = FeatureStoreReader.open(features)) {
            PairDataset data = reader.pairDataset(manip);
            if (data.size() == 0)
                throw new BadInputException("no training pairs for manipulation '" + manip + "' in " + features);
            Path ckpt = ctx.scratchDir().resolve("checkpoints");
            Path out = ctx.outDir().resolve("model");
            TrainOptions o = new TrainOptions(
                    ModelType.parse(ctx.str("model")),
                    ctx.bool("apply_transform"),
                    manip,
                    LossType.parse(t.get("loss").asText()),
                    t.get("learningRate").asDouble(),
                    t.get("weightDecay").asDouble(),
                    t.get("batchSize").asInt(),
                    t.get("accumulateGradBatches").asInt(),
                    t.get("maxEpochs").asInt(),
                    t.get("trainSubsetSize").asInt(),
                    t.get("valRatio").asDouble(),
                    t.get("earlyStopMinDelta").asDouble(),
                    t.get("earlyStopPatience").asInt(),
                    t.get("checkpointEvery").asInt(),
                    t.get("plateauFactor").asDouble(),
                    t.get("plateauPatience").asInt(),
                    1e-4,
                    t.get("minLr").asDouble(),
                    WorkerDevice.name(),
                    t.get("seed").asLong(),
                    ckpt,
                    out,
                    new TrainOptions.ModelInfo(ctx.str("backbone"), ctx.str("dataset"), ctx.str("group"), layer));
            int maxEpochs = o.maxEpochs();
            // a retry on another host has an empty scratch: fetch the newest good checkpoint from the store
            StoreCheckpoints uploads = StoreCheckpoints.forNode(ctx, ckpt);
            TrainListener listener = new TrainListener() {
                @Override
                public void onTrainStep(int epoch, long step, double loss) {
                    if (step % 10 == 0) ctx.metric("train_loss_step", loss, step);
                    ctx.progress()
                            .report(
                                    epoch,
                                    maxEpochs,
                                    uploads.beat("epoch=" + (epoch - 1))); // a heartbeat per batch (the SDK throttles)
                }

                @Override
                public void onEpochEnd(int epoch, double trainLoss, double valLoss, double lr) {
                    ctx.metric("train_loss", trainLoss, epoch);
                    ctx.metric("val_loss", valLoss, epoch);
                    ctx.metric("lr", lr, epoch);
                    // One batch per epoch, sent before the epoch's checkpoint is written (TrainStage calls this first):
                    // a resumed attempt starts after a logged epoch, so the run's history has every epoch once.
                    try {
                        ctx.flushMetrics();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    ctx.progress().report(epoch + 1, maxEpochs, uploads.beat("epoch=" + epoch));
                }

                @Override
                public void onCheckpoint(int epoch, Path dir, boolean newBestModel) {
                    try {
                        uploads.onCheckpoint(epoch, dir);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            TrainResult r;
            try (uploads) {
                r = TrainStage.run(o, data, norm, listener);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            StoreCheckpoints.Stats cs = uploads.stats();
            ctx.summary("checkpoint_uploads", cs.uploaded);
            ctx.summary("checkpoint_upload_failures", cs.failed);
            ctx.summary("checkpoint_bytes", cs.uploaded == 0 ? 0 : cs.bytes / cs.uploaded);
            ctx.summary(
                    "checkpoint_upload_seconds",
                    String.format(
                            java.util.Locale.ROOT, "%.3f", cs.uploaded == 0 ? 0 : cs.uploadSeconds / cs.uploaded));
            ctx.summary(
                    "checkpoint_train_thread_seconds",
                    String.format(java.util.Locale.ROOT, "%.4f", cs.criticalSeconds / Math.max(1, cs.checkpoints)));
            if (r.bestEpoch() < 0 || r.bestSafetensors() == null)
                throw new BadInputException("training of " + ctx.task().nodeId() + " ran " + r.epochsRun()
                        + " epochs and reached no checkpoint epoch (checkpoints every " + o.checkpointEvery()
                        + " epochs)");
            // benchmark 6c (issue #13): what the cell fetched against the bytes of the rows it trains and validates on
            // (source and target of the §6.2 subset's pairs, float32); 0 fetched with a local store, read in place
            ctx.summary("inputs_fetched_bytes", ctx.fetchedBytes());
            ctx.summary(
                    "pair_row_bytes",
                    2L
                            * Math.min(o.subsetSize(), data.size())
                            * data.channels()
                            * data.height()
                            * data.width()
                            * Float.BYTES);
            ctx.summary("best_epoch", r.bestEpoch());
            ctx.summary("best_val_loss", r.bestValLoss());
            ctx.summary("epochs_run", r.epochsRun());
            ctx.summary("stopped_early", r.stoppedEarly());
            ctx.summary("resumed_from_epoch", r.resumedFromEpoch());
            ctx.summary("pairs", data.size());
            ctx.metric("best_val_loss", r.bestValLoss(), r.bestEpoch());
            ctx.metric("best_epoch", r.bestEpoch(), 0);
            ctx.metric("epochs_run", r.epochsRun(), 0);
            ctx.flushMetrics();
            tracker.logArtifacts(run, "model", out); // weights (safetensors) and the JSON sidecar
        }
    }
}
