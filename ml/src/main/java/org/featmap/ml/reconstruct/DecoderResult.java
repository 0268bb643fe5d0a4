package org.featmap.ml.reconstruct;

import java.nio.file.Path;
import java.util.List;

/**
 * Result of {@link DecoderTrainStage#run}: where the decoder was saved, the row split, the validation loss
 * of the untrained model and the per-epoch mean losses (train: mean of the step losses of the epoch;
 * val: over all validation rows after the epoch), the wall time of training (after the targets were loaded,
 * validation passes and saving included) and the training throughput (train rows × epochs / seconds).
 */
public record DecoderResult(
        Path modelDir,
        int trainRows,
        int valRows,
        double initialValLoss,
        List<Double> trainLoss,
        List<Double> valLoss,
        double seconds,
        double samplesPerSecond) {

    public double finalValLoss() {
        return valLoss.get(valLoss.size() - 1);
    }
}
