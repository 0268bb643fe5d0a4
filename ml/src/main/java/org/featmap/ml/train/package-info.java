/**
 * Training of one mapping cell (spec §6): {@code TrainStage.run(TrainOptions) → TrainResult} is the loop alone, as
 * DJL's EasyTrain; early stopping, plateau LR, epoch checkpointing, the best-model export, metric logging and
 * micro-batching are {@link org.featmap.ml.train.EpochListener}s and helpers it calls; also the data split, the
 * losses, AdamW and the memory budget.
 *
 * <p>Layer: ml, the compute; no Temporal (the adapter's {@code TrainListener} carries heartbeats and tracking).
 */
package org.featmap.ml.train;
