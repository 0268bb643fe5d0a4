package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import java.util.SplittableRandom;

/**
 * Conv3×3(C→512) → BN → ReLU → Dropout2d(0.2) → Conv3×3(512→C) → BN (spec §5.4). BatchNorm with
 * PyTorch semantics (§12.2): biased batch variance to normalise, unbiased for the running variance,
 * running ← 0.9·running + 0.1·batch, eps 1e-5.
 */
public final class CnnMapping extends MappingModel {
    public static final float DROPOUT = 0.2f;
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;
    private final NDArray[] conv1;
    private final NDArray[] bn1;
    private final NDArray[] conv2;
    private final NDArray[] bn2;

    CnnMapping(NDManager m, int c, boolean tf, String manip, SplittableRandom rng, int hidden) {
        super(m, c, tf, manip);
        conv1 = conv("net.0.", c, hidden, rng);
        bn1 = batchNorm("net.1.", hidden);
        conv2 = conv("net.4.", hidden, c, rng);
        bn2 = batchNorm("net.5.", c);
    }

    private NDArray[] conv(String prefix, int in, int out, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(in * 9.0);
        NDArray w = param(
                prefix + "weight",
                Parameter.Type.WEIGHT,
                uniform(rng, out * in * 9, bound),
                new Shape(out, in, 3, 3),
                true);
        NDArray b = param(prefix + "bias", Parameter.Type.BIAS, uniform(rng, out, bound), new Shape(out), true);
        return new NDArray[] {w, b};
    }

    private NDArray[] batchNorm(String prefix, int c) {
        return new NDArray[] {
            param(prefix + "weight", Parameter.Type.GAMMA, filled(c, 1f), new Shape(c), true),
            param(prefix + "bias", Parameter.Type.BETA, filled(c, 0f), new Shape(c), true),
            param(prefix + "running_mean", Parameter.Type.RUNNING_MEAN, filled(c, 0f), new Shape(c), false),
            param(prefix + "running_var", Parameter.Type.RUNNING_VAR, filled(c, 1f), new Shape(c), false),
            longBuffer(prefix + "num_batches_tracked", 0L)
        };
    }

    @Override
    public ModelType type() {
        return ModelType.CNN;
    }

    private static NDArray conv(NDArray x, NDArray[] wb) {
        return Conv2d.conv2d(x, wb[0], wb[1], new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
    }

    /**
     * torch's fused batch_norm: it normalises with the biased batch variance and updates the running
     * statistics in place with the unbiased one and momentum 0.1 (PyTorch semantics, §12.2). Written out
     * as separate engine ops it took six full passes over (B, 512, H, W) and ran at 0.59× PyTorch on feat0.
     * DJL's NDArrayEx.batchNorm passes the momentum as a float (1 − m); JniUtils takes torch's double. Its
     * parameter names are in a different order than the native function's (input, running_mean,
     * running_var, weight, bias), which is the order used here.
     */
    private static NDArray bn(NDArray x, NDArray[] p, boolean training) {
        NDArray y = ai.djl.pytorch.jni.JniUtils.batchNorm(
                (ai.djl.pytorch.engine.PtNDArray) x,
                (ai.djl.pytorch.engine.PtNDArray) p[2],
                (ai.djl.pytorch.engine.PtNDArray) p[3],
                (ai.djl.pytorch.engine.PtNDArray) p[0],
                (ai.djl.pytorch.engine.PtNDArray) p[1],
                training,
                MOMENTUM,
                EPS);
        if (training) {
            p[4].addi(1L); // num_batches_tracked (no autograd here)
        }
        return y;
    }

    @Override
    protected NDArray network(NDArray x, boolean training) {
        NDArray h = bn(conv(x, conv1), bn1, training).getNDArrayInternal().relu();
        h = masks.dropout2d(h, DROPOUT, training);
        return bn(conv(h, conv2), bn2, training);
    }
}
