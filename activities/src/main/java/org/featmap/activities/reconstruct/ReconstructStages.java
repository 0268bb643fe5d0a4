package org.featmap.activities.reconstruct;

import java.io.IOException;
import java.nio.file.Path;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderOptions;
import org.featmap.ml.reconstruct.DecoderResult;
import org.featmap.ml.reconstruct.DecoderTrainStage;

/** Adapter of the reconstruct stage: the learned-inversion decoder, trained by {@link DecoderTrainStage#run}. */
public final class ReconstructStages {

    private ReconstructStages() {}

    /** reconstruct: trains the decoder that inverts one backbone layer to images (issue #6 item 3). */
    public static void reconstruct(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        Path images = ctx.inputDir("images").resolve("augmented_train");
        DecoderOptions o = DecoderOptions.of(images, ctx.outDir().resolve("decoder"))
                .withModel(ctx.integer("image_size"), 64)
                .withTraining(
                        DecoderLoss.L1,
                        Float.parseFloat(ctx.str("learning_rate")),
                        ctx.integer("batch_size"),
                        ctx.integer("epochs"),
                        Long.parseLong(ctx.str("seed")))
                .withRuntime(
                        0,
                        (epoch, epochs, train, val) -> {
                            ctx.metric("train_loss", train, epoch);
                            ctx.metric("val_loss", val, epoch);
                            try {
                                ctx.flushMetrics(); // one batch per epoch
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        },
                        ctx.progress())
                .withDevice(WorkerDevice.device()); // the worker's device (config routes reconstruct to the GPU queue)
        // epoch checkpoints in the store: a retry on another host continues after the last uploaded epoch (issue #14)
        Path ckpt = ctx.scratchDir().resolve("checkpoints");
        try (FeatureStoreReader store = FeatureStoreReader.open(FeatureInputs.layerStore(ctx, layer));
                org.featmap.activities.stage.StoreCheckpoints uploads =
                        org.featmap.activities.stage.StoreCheckpoints.forNode(ctx, ckpt)) {
            DecoderResult r = DecoderTrainStage.run(
                    o.withRuntime(o.threads(), o.listener(), uploads.beating(ctx.progress())),
                    store,
                    new org.featmap.ml.EpochCheckpoints(ckpt, uploads::onCheckpoint));
            ctx.summary("initial_val_loss", r.initialValLoss());
            ctx.summary("final_val_loss", r.finalValLoss());
            ctx.summary("train_rows", r.trainRows());
            ctx.summary("samples_per_second", String.format(java.util.Locale.ROOT, "%.1f", r.samplesPerSecond()));
            ctx.metric("initial_val_loss", r.initialValLoss(), 0);
            ctx.metric("final_val_loss", r.finalValLoss(), 0);
        }
        ctx.flushMetrics();
        ctx.tracker().logArtifacts(ctx.trackingRun(), "decoder", ctx.outDir().resolve("decoder"));
    }
}
