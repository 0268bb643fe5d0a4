package org.featmap.ml.train;

import java.nio.file.Path;

/** Training events; the activity routes them to the tracking run and to heartbeats. */
public interface TrainListener {
  /** Unscaled loss of one training batch; {@code step} counts batches from 0 over the whole run. */
  default void onTrainStep(int epoch, long step, double loss) {}

  /** Equal-weight batch means of the epoch (spec §6.4) and the learning rate used in it. */
  default void onEpochEnd(int epoch, double trainLoss, double valLoss, double lr) {}

  /** A resumable checkpoint of epoch {@code epoch} was committed in {@code dir}. */
  default void onCheckpoint(int epoch, Path dir, boolean newBestModel) {}

  TrainListener NONE = new TrainListener() {};
}
