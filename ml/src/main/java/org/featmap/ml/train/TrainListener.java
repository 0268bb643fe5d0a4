package org.featmap.ml.train;

import java.nio.file.Path;
import org.featmap.core.contract.Progress;

/** Training events; the activity routes them to the tracking run and to heartbeats. */
public interface TrainListener {
    /** Unscaled loss of one training batch; {@code step} counts batches from 0 over the whole run. */
    default void onTrainStep(int epoch, long step, double loss) {}

    /** Equal-weight batch means of the epoch (spec §6.4) and the learning rate used in it. */
    default void onEpochEnd(int epoch, double trainLoss, double valLoss, double lr) {}

    /** A resumable checkpoint of epoch {@code epoch} was committed in {@code dir}. */
    default void onCheckpoint(int epoch, Path dir, boolean newBestModel) {}

    TrainListener NONE = new TrainListener() {};

    /**
     * Heartbeats through {@link Progress}: one report per committed epoch, with the checkpoint
     * directory as the resume token (the activity adapter turns it into heartbeat details).
     */
    static TrainListener ofProgress(Progress progress, int maxEpochs) {
        return new TrainListener() {
            @Override
            public void onCheckpoint(int epoch, Path dir, boolean newBestModel) {
                progress.report(epoch + 1L, maxEpochs, dir.toString());
            }
        };
    }
}
