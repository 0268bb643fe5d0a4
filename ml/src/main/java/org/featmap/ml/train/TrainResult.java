package org.featmap.ml.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Outcome of one training cell.
 *
 * @param bestEpoch 0-based epoch of the saved model (−1 if no checkpoint epoch was reached)
 * @param bestSafetensors same weights as safetensors with the PyTorch keys of spec §5.9
 * @param sidecar JSON description of the saved model
 * @param valLosses validation loss of every epoch run (including epochs before a resume)
 * @param resumedFromEpoch last epoch restored from a checkpoint, −1 for a fresh run
 */
public record TrainResult(
        int bestEpoch,
        double bestValLoss,
        int epochsRun,
        boolean stoppedEarly,
        Path bestSafetensors,
        Path sidecar,
        List<Double> trainLosses,
        List<Double> valLosses,
        int resumedFromEpoch) {}
