package org.featmap.ml.train.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.train.AdamW;
import org.featmap.ml.train.LossType;
import org.featmap.ml.train.Losses;

/**
 * Training throughput of the TrainStage inner loop (batch 32, COMBINED loss, accumulate 2, AdamW)
 * on in-memory random batches. Usage: TrainBench TYPE C H W BATCHES WARMUP → "TYPE samples_per_s".
 */
public final class TrainBench {
    public static void main(String[] a) {
        ModelType type = ModelType.parse(a[0]);
        int c = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), w = Integer.parseInt(a[3]);
        int batches = Integer.parseInt(a[4]), warmup = Integer.parseInt(a[5]);
        int bs = 32;
        SplittableRandom r = new SplittableRandom(1);
        float[][] xs = new float[2][bs * c * h * w];
        float[][] ys = new float[2][bs * c * h * w];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < xs[k].length; i++) {
                xs[k][i] = (float) r.nextGaussian();
                ys[k][i] = (float) r.nextGaussian();
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            MappingModel model = MappingModel.create(type, m, c, false, null, 1);
            AdamW opt = new AdamW(model.trainable(), m, 1e-4, 1e-4, 0.9, 0.999, 1e-8);
            long t0 = 0;
            for (int b = 0; b < warmup + batches; b++) {
                if (b == warmup) {
                    t0 = System.nanoTime();
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    step(
                            model,
                            opt,
                            m.create(xs[b % 2], new Shape(bs, c, h, w)),
                            m.create(ys[b % 2], new Shape(bs, c, h, w)),
                            b);
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s_C%d_%dx%d %.2f%n", type.key(), c, h, w, batches * bs / s);
        }
    }

    /** One batch of the TrainStage inner loop: COMBINED loss, accumulation 2, an AdamW step every second batch. */
    static void step(MappingModel model, AdamW opt, NDArray x, NDArray y, int b) {
        model.masks().reseed(b);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = Losses.compute(LossType.COMBINED, model.forward(x, true), y);
            l.getFloat();
            gc.backward(org.featmap.ml.Tensors.div(l, 2f));
        }
        if (b % 2 == 1) {
            opt.step();
            opt.zeroGrad();
        }
    }
}
