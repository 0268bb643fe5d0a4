package org.featmap.ml.reconstruct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small convolutional decoder that inverts a backbone layer back to an image (the classic learned
 * inversion, Dosovitskiy &amp; Brox 2016, much smaller): our own model, not part of the reference, used where no
 * FeatInv checkpoint exists (spec §7.2: only ConvNeXt feat3 has one).
 *
 * <pre>
 *   features (N,C,h,w)
 *   → bilinear (antialiased) resample to base×base   (only if h,w ≠ base; see {@link DecoderShape})
 *   → 1×1 conv C→W, GroupNorm, ReLU
 *   → 3×3 conv W→W, GroupNorm, ReLU
 *   → k × [nearest upsample ×2 → 3×3 conv → GroupNorm → ReLU]   (widths W/2, W/4, …, floor 16)
 *   → bilinear (antialiased) resample to S×S         (only if base·2^k ≠ S)
 *   → 3×3 conv →3, sigmoid                      image in [0,1], (N,3,S,S)
 * </pre>
 *
 * Initialisation is PyTorch's default for {@code nn.Conv2d} (kaiming_uniform with a=√5, i.e. weight and
 * bias ~ U(−1/√fan_in, 1/√fan_in)) and for GroupNorm (γ=1, β=0), drawn from a seeded
 * {@link SplittableRandom} in Java so that a seed gives the same model without touching libtorch's global
 * generator.
 */
public final class DecoderModel {
    private DecoderModel() {}

    /** The block plus its convolutions in creation order (for seeded initialisation). */
    public record Built(Block block, List<Conv2d> convs) {}

    public static Built build(DecoderShape s) {
        List<Conv2d> convs = new ArrayList<>();
        SequentialBlock net = new SequentialBlock();
        int base = s.base();
        if (s.featHeight() != base || s.featWidth() != base) net.add(resample(base, Mode.BILINEAR));
        int w = s.hiddenWidth();
        net.add(conv(convs, w, 1)).add(norm(w)).add(Activation.reluBlock());
        net.add(conv(convs, w, 3)).add(norm(w)).add(Activation.reluBlock());
        int side = base;
        for (int i = 0; i < s.upsamples(); i++) {
            side *= 2;
            int out = s.stageWidth(i);
            net.add(resample(side, Mode.NEAREST))
                    .add(conv(convs, out, 3))
                    .add(norm(out))
                    .add(Activation.reluBlock());
        }
        if (side != s.imageSize()) net.add(resample(s.imageSize(), Mode.BILINEAR));
        net.add(conv(convs, 3, 3)).add(Activation.sigmoidBlock());
        // placeholders until reinitialize(): DJL's default (Xavier) would draw from libtorch's global generator
        net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        net.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return new Built(net, List.copyOf(convs));
    }

    /** Input shape for {@code Block.initialize}: one sample. */
    public static Shape inputShape(DecoderShape s) {
        return new Shape(1, s.channels(), s.featHeight(), s.featWidth());
    }

    /** Builds and initialises on {@code manager} with PyTorch-default init from {@code seed}. */
    public static Built create(NDManager manager, DecoderShape s, long seed) {
        Built b = build(s);
        b.block().initialize(manager, DataType.FLOAT32, inputShape(s));
        reinitialize(b, seed);
        return b;
    }

    /** Overwrites every conv weight/bias with PyTorch's default init drawn from {@code seed} (norm params keep 1/0). */
    public static void reinitialize(Built b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Conv2d c : b.convs()) {
            Parameter weight = c.getParameters().get("weight");
            Parameter bias = c.getParameters().get("bias");
            Shape ws = weight.getArray().getShape(); // (out, in, kh, kw)
            double bound = 1.0 / Math.sqrt((double) ws.get(1) * ws.get(2) * ws.get(3));
            fillUniform(weight.getArray(), bound, rng);
            if (bias != null) fillUniform(bias.getArray(), bound, rng);
        }
    }

    private static void fillUniform(NDArray a, double bound, SplittableRandom rng) {
        float[] v = new float[Math.toIntExact(a.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        a.set(FloatBuffer.wrap(v));
    }

    private static Conv2d conv(List<Conv2d> convs, int out, int k) {
        Conv2d c = Conv2d.builder()
                .setFilters(out)
                .setKernelShape(new Shape(k, k))
                .optPadding(new Shape(k / 2, k / 2))
                .optBias(true)
                .build();
        convs.add(c);
        return c;
    }

    private static GroupNormBlock norm(int channels) {
        return new GroupNormBlock(GroupNormBlock.DEFAULT_GROUPS, channels);
    }

    private enum Mode {
        NEAREST(0),
        BILINEAR(1);

        final int djl; // DJL's PyTorch interpolation codes: 0 nearest, 1 bilinear (checked against torch)

        Mode(int djl) {
            this.djl = djl;
        }
    }

    /**
     * {@code F.interpolate(x, size=(side, side), mode, align_corners=False)}, differentiable. DJL's PyTorch engine
     * passes {@code antialias=True}: for bilinear this changes the result when shrinking (e.g. feat3 9×9 → 8×8),
     * not when enlarging; the PyTorch twin in bench/decoder does the same (checked by DecoderParityTest).
     */
    private static LambdaBlock resample(int side, Mode mode) {
        return LambdaBlock.singleton(
                x -> x.getNDArrayInternal().interpolation(new long[] {side, side}, mode.djl, false),
                "resample_" + mode.name().toLowerCase() + "_" + side);
    }
}
