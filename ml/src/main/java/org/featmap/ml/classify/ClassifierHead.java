package org.featmap.ml.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * The new classifier head of spec §8.1. ConvNeXt (timm {@code NormMlpClassifierHead}): global average
 * pool → LayerNorm2d(C, eps 1e-6, trainable) → flatten → Dropout → Linear(C→K). SwinV2: average pool →
 * Dropout → Linear (no norm; the backbone's final norm stays frozen). Linear init as timm: weight
 * truncated normal std 0.02 (cut at ±2, timm's absolute bounds), bias 0; LayerNorm weight 1, bias 0.
 * Input (B,C,H,W) NCHW or already pooled (B,C). Parameters are plain DJL parameters so the head saves
 * with {@link #saveParameters}; dropout takes an explicit keep-mask so training is seeded without
 * touching libtorch's global generator.
 */
public final class ClassifierHead extends AbstractBlock {
    private static final byte VERSION = 1;
    public static final float NORM_EPS = 1e-6f;
    public static final double INIT_STD = 0.02;

    private final int channels;
    private final int numClasses;
    private final boolean norm;
    private final Parameter normWeight, normBias, fcWeight, fcBias;

    /** A head for {@code channels} input channels and {@code numClasses} outputs, Linear weight drawn from {@code seed}. */
    public ClassifierHead(int channels, int numClasses, boolean norm, long seed) {
        super(VERSION);
        if (channels < 1 || numClasses < 1)
            throw new IllegalArgumentException(
                    "head channels " + channels + " / classes " + numClasses + ", both must be >= 1");
        this.channels = channels;
        this.numClasses = numClasses;
        this.norm = norm;
        if (norm) {
            normWeight = addParameter(Parameter.builder()
                    .setName("norm_weight")
                    .setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(channels))
                    .optInitializer((m, s, t) -> m.ones(s, t))
                    .build());
            normBias = addParameter(Parameter.builder()
                    .setName("norm_bias")
                    .setType(Parameter.Type.BETA)
                    .optShape(new Shape(channels))
                    .optInitializer((m, s, t) -> m.zeros(s, t))
                    .build());
        } else {
            normWeight = null;
            normBias = null;
        }
        fcWeight = addParameter(Parameter.builder()
                .setName("fc_weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numClasses, channels))
                .optInitializer((m, s, t) -> truncNormal(m, s, seed))
                .build());
        fcBias = addParameter(Parameter.builder()
                .setName("fc_bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(numClasses))
                .optInitializer((m, s, t) -> m.zeros(s, t))
                .build());
    }

    /** timm {@code trunc_normal_(std=.02)}: N(0, 0.02²) cut to [-2, 2] (absolute bounds, i.e. practically untruncated). */
    static NDArray truncNormal(NDManager m, Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = gaussian(r) * INIT_STD;
            } while (x < -2 || x > 2);
            v[i] = (float) x;
        }
        return m.create(v, s);
    }

    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Allocates and initialises the parameters on {@code manager}. */
    public ClassifierHead init(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, channels));
        return this;
    }

    public int channels() {
        return channels;
    }

    public int numClasses() {
        return numClasses;
    }

    public boolean hasNorm() {
        return norm;
    }

    /** The parameters in timm's naming (safetensors keys), in a fixed order. */
    public NDList namedArrays() {
        NDList l = new NDList();
        if (norm) {
            l.add(named(normWeight.getArray(), "head.norm.weight"));
            l.add(named(normBias.getArray(), "head.norm.bias"));
        }
        l.add(named(fcWeight.getArray(), "head.fc.weight"));
        l.add(named(fcBias.getArray(), "head.fc.bias"));
        return l;
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /**
     * Logits of {@code x}: (B,C,H,W) is average-pooled over H,W; (B,C) is taken as pooled. {@code keep}
     * is the dropout multiplier (0 or 1/(1-p) per element, shape (B,C)), null = no dropout (eval).
     */
    public NDArray logits(NDArray x, NDArray keep) {
        NDArray pooled = x.getShape().dimension() == 4 ? pool(x) : x;
        if (pooled.getShape().dimension() != 2 || pooled.getShape().get(1) != channels)
            throw new IllegalArgumentException(
                    "head input " + x.getShape() + ", expected (B," + channels + ",H,W) or (B," + channels + ")");
        NDArray h = norm
                ? LayerNorm.layerNorm(pooled, new Shape(channels), normWeight.getArray(), normBias.getArray(), NORM_EPS)
                        .singletonOrThrow()
                : pooled;
        if (keep != null) h = h.mul(keep);
        return Linear.linear(h, fcWeight.getArray(), fcBias.getArray()).singletonOrThrow();
    }

    /** Global average pool (B,C,H,W) → (B,C): libtorch mean over the flattened H·W positions (DJL's mean takes one axis). */
    public static NDArray pool(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(inputs.singletonOrThrow(), null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }
}
