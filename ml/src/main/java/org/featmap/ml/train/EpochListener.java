package org.featmap.ml.train;

import java.io.IOException;

/**
 * One piece of the training loop, called by {@link TrainStage} at the end of every batch and epoch (as DJL's
 * EasyTrain calls its TrainingListeners). The loop runs the listeners in the order it was given them; each reads
 * the {@link EpochEnd} and records its decision in it: {@link BestModelExport}, {@link EarlyStopping}, {@link
 * PlateauLr}, {@link MetricLogging}, {@link EpochCheckpointing}.
 */
interface EpochListener {
    /** After the optimiser work of one training batch; {@code step} counts batches from 0 over the whole run. */
    default void onBatchEnd(int epoch, long step, double loss) {}

    /** After validation of one epoch. */
    default void onEpochEnd(EpochEnd e) throws IOException {}
}
