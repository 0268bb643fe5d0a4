package org.featmap.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.featmap.ml.mapping.MappingModel;

/**
 * One batch as passes of at most {@code micro} samples ({@link MemoryBudget}): the training batch's forward and
 * backward with the gradients accumulated over its passes (and over {@code accumulateBatches} batches), and the
 * validation batch's loss. The batch loss is the mean of per-sample losses (spec §6.3), so a pass of n samples
 * contributes n/B of its own mean: the summed gradient is the whole batch's.
 */
final class MicroBatches {
    private final TrainOptions o;
    private final NDManager manager;
    private final int micro;
    private final int c;
    private final int h;
    private final int w;

    MicroBatches(TrainOptions o, NDManager manager, int micro, int c, int h, int w) {
        this.o = o;
        this.manager = manager;
        this.micro = micro;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    /** Forward and backward of training batch {@code b} of {@code epoch}; returns its (unscaled) loss. */
    double train(MappingModel model, float[][] batch, int epoch, int b) {
        double loss = 0;
        for (int from = 0; from < o.batchSize(); from += micro) {
            int n = Math.min(micro, o.batchSize() - from);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = maps(batch[0], from, n);
                NDArray y = maps(batch[1], from, n);
                model.masks().setSampleOffset(from);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = Losses.compute(o.loss(), model.forward(x, true), y);
                    float part = l.getFloat();
                    if (!Float.isFinite(part)) throw TrainStage.diverged("train", part, epoch, b, o);
                    loss += part * (double) n / o.batchSize();
                    gc.backward(org.featmap.ml.Tensors.div(
                            l, (float) (o.accumulateBatches() * (double) o.batchSize() / n)));
                }
            }
        }
        return loss;
    }

    /** The loss of a validation batch of {@code n} samples (eval mode). */
    double validate(MappingModel model, float[] src, float[] tgt, int n) {
        double batchLoss = 0;
        for (int mf = 0; mf < n; mf += micro) {
            int mn = Math.min(micro, n - mf);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = maps(src, mf, mn);
                NDArray y = maps(tgt, mf, mn);
                batchLoss +=
                        Losses.compute(o.loss(), model.forward(x, false), y).getFloat() * (double) mn / n;
            }
        }
        return batchLoss;
    }

    /** Maps [from, from + n) of a (B, C, H, W) float array as an owned (n, C, H, W) tensor. */
    private NDArray maps(float[] a, int from, int n) {
        int map = c * h * w;
        return org.featmap.ml.Tensors.owned(
                manager, java.nio.FloatBuffer.wrap(a, from * map, n * map).slice(), new Shape(n, c, h, w));
    }
}
