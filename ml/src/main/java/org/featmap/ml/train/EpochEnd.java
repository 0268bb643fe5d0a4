package org.featmap.ml.train;

import org.featmap.ml.mapping.MappingModel;

/**
 * The end of one epoch as the loop hands it to its {@link EpochListener}s: the epoch's losses and the learning
 * rate it used, the run's state (what a checkpoint records), the model and the optimiser, and the decisions the
 * listeners fill in ({@link #newBest}; {@code state.stopped} and the optimiser's next learning rate).
 */
final class EpochEnd {
    final int epoch;
    final double trainLoss;
    final double valLoss;
    final double lrUsed;
    final TrainStage.TrainerState state;
    final MappingModel model;
    final AdamW opt;

    /** The epoch's model was exported as the best one so far (BestModelExport). */
    boolean newBest;

    EpochEnd(
            int epoch,
            double trainLoss,
            double valLoss,
            double lrUsed,
            TrainStage.TrainerState state,
            MappingModel model,
            AdamW opt) {
        this.epoch = epoch;
        this.trainLoss = trainLoss;
        this.valLoss = valLoss;
        this.lrUsed = lrUsed;
        this.state = state;
        this.model = model;
        this.opt = opt;
    }
}
