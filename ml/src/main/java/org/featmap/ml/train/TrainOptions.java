package org.featmap.ml.train;

import java.nio.file.Path;
import org.featmap.ml.mapping.ModelType;

/**
 * One mapping-training cell (spec §6). Defaults ({@link #defaults}) are the reference values.
 *
 * @param checkpointDir per-epoch resumable state; an existing one is resumed from its last epoch
 * @param outputDir where the best model (safetensors + JSON sidecar) is written
 * @param seed initial weights and dropout masks (subset/split seeds are fixed at 42, spec §6.2)
 * @param device "cpu" or "gpu" / "gpu:N"
 */
public record TrainOptions(
        ModelType modelType,
        boolean applyTransform,
        String manipulation,
        LossType loss,
        double learningRate,
        double weightDecay,
        int batchSize,
        int accumulateBatches,
        int maxEpochs,
        int subsetSize,
        double valRatio,
        double esMinDelta,
        int esPatience,
        int checkpointEvery,
        double plateauFactor,
        int plateauPatience,
        double plateauThreshold,
        double minLr,
        String device,
        long seed,
        Path checkpointDir,
        Path outputDir,
        ModelInfo info) {

    /** Descriptive fields for the sidecar (spec §5.9); the caller knows them, training does not. */
    public record ModelInfo(String backbone, String dataset, String group, String layer) {}

    public static TrainOptions defaults(
            ModelType type,
            boolean applyTransform,
            String manipulation,
            Path checkpointDir,
            Path outputDir,
            ModelInfo info) {
        return new TrainOptions(
                type,
                applyTransform,
                manipulation,
                LossType.COMBINED,
                1e-4,
                1e-4,
                32,
                2,
                100,
                8000,
                0.05,
                1e-3,
                6,
                2,
                0.5,
                8,
                1e-4,
                1e-6,
                "cpu",
                42,
                checkpointDir,
                outputDir,
                info);
    }

    public TrainOptions withMaxEpochs(int n) {
        return new TrainOptions(
                modelType,
                applyTransform,
                manipulation,
                loss,
                learningRate,
                weightDecay,
                batchSize,
                accumulateBatches,
                n,
                subsetSize,
                valRatio,
                esMinDelta,
                esPatience,
                checkpointEvery,
                plateauFactor,
                plateauPatience,
                plateauThreshold,
                minLr,
                device,
                seed,
                checkpointDir,
                outputDir,
                info);
    }

    public TrainOptions withLearningRate(double lr) {
        return new TrainOptions(
                modelType,
                applyTransform,
                manipulation,
                loss,
                lr,
                weightDecay,
                batchSize,
                accumulateBatches,
                maxEpochs,
                subsetSize,
                valRatio,
                esMinDelta,
                esPatience,
                checkpointEvery,
                plateauFactor,
                plateauPatience,
                plateauThreshold,
                minLr,
                device,
                seed,
                checkpointDir,
                outputDir,
                info);
    }

    public TrainOptions withBatchSize(int b) {
        return new TrainOptions(
                modelType,
                applyTransform,
                manipulation,
                loss,
                learningRate,
                weightDecay,
                b,
                accumulateBatches,
                maxEpochs,
                subsetSize,
                valRatio,
                esMinDelta,
                esPatience,
                checkpointEvery,
                plateauFactor,
                plateauPatience,
                plateauThreshold,
                minLr,
                device,
                seed,
                checkpointDir,
                outputDir,
                info);
    }

    /** "cpu", "gpu" or "gpu:N": where the model and its tensors live. */
    public TrainOptions withDevice(String d) {
        return new TrainOptions(
                modelType,
                applyTransform,
                manipulation,
                loss,
                learningRate,
                weightDecay,
                batchSize,
                accumulateBatches,
                maxEpochs,
                subsetSize,
                valRatio,
                esMinDelta,
                esPatience,
                checkpointEvery,
                plateauFactor,
                plateauPatience,
                plateauThreshold,
                minLr,
                d,
                seed,
                checkpointDir,
                outputDir,
                info);
    }

    public TrainOptions withDirs(Path checkpoints, Path output) {
        return new TrainOptions(
                modelType,
                applyTransform,
                manipulation,
                loss,
                learningRate,
                weightDecay,
                batchSize,
                accumulateBatches,
                maxEpochs,
                subsetSize,
                valRatio,
                esMinDelta,
                esPatience,
                checkpointEvery,
                plateauFactor,
                plateauPatience,
                plateauThreshold,
                minLr,
                device,
                seed,
                checkpoints,
                output,
                info);
    }

    public void validate() {
        if (batchSize < 1 || accumulateBatches < 1 || maxEpochs < 1 || subsetSize < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("train options: batchSize " + batchSize + ", accumulateBatches "
                    + accumulateBatches + ", maxEpochs "
                    + maxEpochs + ", subsetSize " + subsetSize + ", checkpointEvery " + checkpointEvery
                    + ": all must be >= 1");
        }
        if (!(valRatio > 0 && valRatio < 1)) {
            throw new IllegalArgumentException("train options: valRatio " + valRatio + ": allowed (0, 1)");
        }
    }
}
