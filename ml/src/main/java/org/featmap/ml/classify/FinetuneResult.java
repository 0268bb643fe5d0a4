package org.featmap.ml.classify;

import java.nio.file.Path;
import java.util.List;

/**
 * Result of {@link FinetuneStage#run}: the head directory, the per-epoch log, the best epoch (0-based)
 * and its validation top-1, whether early stopping ended the run, and the split sizes.
 */
public record FinetuneResult(
        Path headDir,
        List<String> classes,
        int trainImages,
        int valImages,
        List<EpochLog> history,
        int bestEpoch,
        double bestValTop1,
        boolean stoppedEarly,
        double seconds) {

    /** One epoch: lr used, mean label-smoothed train loss over batches, plain CE val loss, val top-1/top-5. */
    public record EpochLog(int epoch, double lr, double trainLoss, double valLoss, double valTop1, double valTop5) {}
}
