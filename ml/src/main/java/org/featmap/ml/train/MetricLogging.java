package org.featmap.ml.train;

/**
 * Hands the losses to the caller's {@link TrainListener} (the activity adapter logs them to the node's MLflow run
 * and heartbeats through it): every batch's loss and every epoch's means with the learning rate it used.
 */
final class MetricLogging implements EpochListener {
    private final TrainListener listener;

    MetricLogging(TrainListener listener) {
        this.listener = listener;
    }

    @Override
    public void onBatchEnd(int epoch, long step, double loss) {
        listener.onTrainStep(epoch, step, loss);
    }

    @Override
    public void onEpochEnd(EpochEnd e) {
        listener.onEpochEnd(e.epoch, e.trainLoss, e.valLoss, e.lrUsed);
    }
}
