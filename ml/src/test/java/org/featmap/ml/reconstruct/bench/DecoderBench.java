package org.featmap.ml.reconstruct.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderModel;
import org.featmap.ml.reconstruct.DecoderShape;

/**
 * Training throughput of {@link DecoderModel} in DJL, the same loop as bench/decoder/decoder_torch.py
 * (random features and images, L1, Adam lr 1e-3, 3 warm-up steps). Args: C H W S WIDTH BATCH STEPS THREADS.
 */
public final class DecoderBench {
    public static void main(String[] a) {
        int c = Integer.parseInt(a[0]),
                h = Integer.parseInt(a[1]),
                w = Integer.parseInt(a[2]),
                s = Integer.parseInt(a[3]);
        int width = Integer.parseInt(a[4]),
                batch = Integer.parseInt(a[5]),
                steps = Integer.parseInt(a[6]),
                threads = Integer.parseInt(a[7]);
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        DecoderShape shape = new DecoderShape(c, h, w, s, width);
        try (Model model = Model.newInstance("decoder", Device.cpu(), "PyTorch")) {
            DecoderModel.Built built = DecoderModel.build(shape);
            model.setBlock(built.block());
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l1Loss())
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(1e-3f))
                            .build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(DecoderModel.inputShape(shape));
                DecoderModel.reinitialize(built, 0);
                NDManager m = trainer.getManager();
                NDArray x = m.randomNormal(new Shape(batch, c, h, w));
                NDArray y = m.randomUniform(0, 1, new Shape(batch, 3, s, s));
                String mode = a.length > 8 ? a[8] : "train";
                for (int i = 0; i < 3; i++) step(trainer, x, y, mode);
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) step(trainer, x, y, mode);
                double dt = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        "djl %s threads=%d C=%d h=%d w=%d S=%d width=%d batch=%d: %.1f samples/s%n",
                        Engine.getEngine("PyTorch").getVersion(),
                        threads,
                        c,
                        h,
                        w,
                        s,
                        width,
                        batch,
                        steps * batch / dt);
            }
        }
    }

    /** mode: train (forward, loss, backward, Adam), backward (no optimiser step), forward (eval, no grad). */
    static void step(Trainer trainer, NDArray x, NDArray y, String mode) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            if (mode.equals("forward")) {
                JniUtils.setGradMode(false);
                trainer.evaluate(new NDList(x)).singletonOrThrow().attach(scope);
                JniUtils.setGradMode(true);
                return;
            }
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                pred.attach(scope);
                NDArray loss = DecoderLoss.L1.compute(pred, y);
                loss.attach(scope);
                gc.backward(loss);
            }
            if (mode.equals("train")) trainer.step();
        }
    }
}
