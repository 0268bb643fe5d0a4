package org.featmap.ml.classify;

import ai.djl.Device;
import java.nio.file.Path;
import org.featmap.core.contract.Progress;

/**
 * Inputs of the classifier fine-tuning (spec §8.1).
 *
 * @param backboneDir exported backbone (manifest.json + stage modules); frozen
 * @param augmentedTrain the manipulate stage's {@code augmented_train} folder (ImageFolder root)
 * @param outDir where the head files go (see {@link HeadFiles}) plus {@code history.csv} and {@code split.csv}
 * @param augment train-time augmentation (then the frozen backbone runs on every augmented image, every
 *     epoch); false = each image's frozen pooled features are computed once
 * @param dropRate head dropout (ConvNeXt 0.3, SwinV2 0.1)
 * @param valFraction stratified validation fraction (0.05)
 * @param patience early stopping on val top-1 (7 epochs without a strict improvement)
 * @param threads libtorch intra-op threads, 0 = libtorch's default
 */
public record FinetuneOptions(
        Path backboneDir,
        Path augmentedTrain,
        Path outDir,
        boolean augment,
        int epochs,
        int batchSize,
        double lr,
        double weightDecay,
        double dropRate,
        double labelSmoothing,
        double valFraction,
        int patience,
        long seed,
        Device device,
        int threads,
        Progress progress) {

    public FinetuneOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs " + epochs + ", must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize " + batchSize + ", must be >= 1");
        if (!(lr > 0)) throw new IllegalArgumentException("lr " + lr + ", must be > 0");
        if (!(dropRate >= 0 && dropRate < 1))
            throw new IllegalArgumentException("dropRate " + dropRate + ", must be in [0, 1)");
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new IllegalArgumentException("labelSmoothing " + labelSmoothing + ", must be in [0, 1)");
        if (patience < 1) throw new IllegalArgumentException("patience " + patience + ", must be >= 1");
        device = device == null ? Device.cpu() : device;
        progress = progress == null ? Progress.NONE : progress;
    }

    /**
     * The reference values for ConvNeXt (spec §8.1): augmented, 15 epochs, batch 128, lr 1e-3, AdamW wd 0.01,
     * dropout 0.3, label smoothing 0.1, 5 % validation, patience 7, seed 42.
     */
    public static FinetuneOptions convnext(Path backboneDir, Path augmentedTrain, Path outDir) {
        return new FinetuneOptions(
                backboneDir,
                augmentedTrain,
                outDir,
                true,
                15,
                128,
                1e-3,
                0.01,
                0.3,
                0.1,
                0.05,
                7,
                42,
                Device.cpu(),
                0,
                Progress.NONE);
    }

    public FinetuneOptions withTraining(boolean aug, int nEpochs, int batch, double valFrac) {
        return new FinetuneOptions(
                backboneDir,
                augmentedTrain,
                outDir,
                aug,
                nEpochs,
                batch,
                lr,
                weightDecay,
                dropRate,
                labelSmoothing,
                valFrac,
                patience,
                seed,
                device,
                threads,
                progress);
    }

    public FinetuneOptions withDropRate(double d) {
        return new FinetuneOptions(
                backboneDir,
                augmentedTrain,
                outDir,
                augment,
                epochs,
                batchSize,
                lr,
                weightDecay,
                d,
                labelSmoothing,
                valFraction,
                patience,
                seed,
                device,
                threads,
                progress);
    }

    public FinetuneOptions withRuntime(long s, int nThreads, Progress p) {
        return new FinetuneOptions(
                backboneDir,
                augmentedTrain,
                outDir,
                augment,
                epochs,
                batchSize,
                lr,
                weightDecay,
                dropRate,
                labelSmoothing,
                valFraction,
                patience,
                s,
                device,
                nThreads,
                p);
    }
}
