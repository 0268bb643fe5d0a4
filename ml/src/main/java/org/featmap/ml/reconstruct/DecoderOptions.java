package org.featmap.ml.reconstruct;

import java.nio.file.Path;
import java.util.Objects;
import org.featmap.core.contract.Progress;

/**
 * Inputs of {@link DecoderTrainStage#run}.
 *
 * @param imagesDir folder the feature store's row paths are relative to (the extraction's ImageFolder root,
 *     e.g. {@code images/augmented_train})
 * @param outDir where the trained decoder is written ({@code decoder-0000.params} + {@code decoder.json})
 * @param imageSize side S of the square output images
 * @param hiddenWidth channels after the input 1×1 conv (see {@link DecoderModel})
 * @param loss pixel loss ({@link DecoderLoss})
 * @param learningRate Adam step size (betas 0.9/0.999, eps 1e-8, no weight decay)
 * @param batchSize rows per step
 * @param epochs passes over the training rows
 * @param seed seeds init, the validation split and the per-epoch shuffles
 * @param valFraction share of originals held out for validation (all their rows; at least one original)
 * @param threads libtorch intra-op threads, 0 = leave libtorch's setting
 * @param listener per-epoch losses (may be null)
 * @param progress one report per epoch, checkpoint "epoch=<n>" (may be null)
 * @param device where the decoder trains (the worker's device; null: the CPU, for plain-path runs)
 */
public record DecoderOptions(
        Path imagesDir,
        Path outDir,
        int imageSize,
        int hiddenWidth,
        DecoderLoss loss,
        float learningRate,
        int batchSize,
        int epochs,
        long seed,
        double valFraction,
        int threads,
        EpochListener listener,
        Progress progress,
        ai.djl.Device device) {

    /** Called after each epoch on the training thread. */
    @FunctionalInterface
    public interface EpochListener {
        void onEpoch(int epoch, int epochs, double trainLoss, double valLoss);

        EpochListener NONE = (e, n, t, v) -> {};
    }

    public DecoderOptions {
        Objects.requireNonNull(imagesDir, "imagesDir");
        Objects.requireNonNull(outDir, "outDir");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize " + batchSize + ", must be >= 1");
        if (epochs < 1) throw new IllegalArgumentException("epochs " + epochs + ", must be >= 1");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate " + learningRate + ", must be > 0");
        if (!(valFraction > 0 && valFraction < 1))
            throw new IllegalArgumentException("valFraction " + valFraction + ", must be in (0,1)");
        if (threads < 0) throw new IllegalArgumentException("threads " + threads + ", must be >= 0");
        loss = loss == null ? DecoderLoss.L1 : loss;
        listener = listener == null ? EpochListener.NONE : listener;
        progress = progress == null ? Progress.NONE : progress;
        device = device == null ? ai.djl.Device.cpu() : device;
    }

    /** Defaults: S=64, width 64, L1, Adam lr 1e-3, batch 16, 20 epochs, seed 0, 5% validation. */
    public static DecoderOptions of(Path imagesDir, Path outDir) {
        return new DecoderOptions(
                imagesDir, outDir, 64, 64, DecoderLoss.L1, 1e-3f, 16, 20, 0L, 0.05, 0, null, null, null);
    }

    public DecoderOptions withModel(int size, int width) {
        return new DecoderOptions(
                imagesDir,
                outDir,
                size,
                width,
                loss,
                learningRate,
                batchSize,
                epochs,
                seed,
                valFraction,
                threads,
                listener,
                progress,
                device);
    }

    public DecoderOptions withTraining(DecoderLoss l, float lr, int batch, int nEpochs, long s) {
        return new DecoderOptions(
                imagesDir,
                outDir,
                imageSize,
                hiddenWidth,
                l,
                lr,
                batch,
                nEpochs,
                s,
                valFraction,
                threads,
                listener,
                progress,
                device);
    }

    public DecoderOptions withValFraction(double f) {
        return new DecoderOptions(
                imagesDir,
                outDir,
                imageSize,
                hiddenWidth,
                loss,
                learningRate,
                batchSize,
                epochs,
                seed,
                f,
                threads,
                listener,
                progress,
                device);
    }

    /** The device to train on (stages pass the worker's). */
    public DecoderOptions withDevice(ai.djl.Device d) {
        return new DecoderOptions(
                imagesDir,
                outDir,
                imageSize,
                hiddenWidth,
                loss,
                learningRate,
                batchSize,
                epochs,
                seed,
                valFraction,
                threads,
                listener,
                progress,
                d);
    }

    public DecoderOptions withRuntime(int nThreads, EpochListener l, Progress p) {
        return new DecoderOptions(
                imagesDir,
                outDir,
                imageSize,
                hiddenWidth,
                loss,
                learningRate,
                batchSize,
                epochs,
                seed,
                valFraction,
                nThreads,
                l,
                p,
                device);
    }
}
