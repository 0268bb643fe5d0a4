package org.featmap.ml.reconstruct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code torch.nn.GroupNorm(groups, C, eps=1e-5)} on NCHW (DJL 0.36 has no GroupNorm block): per sample and
 * group, subtract the mean and divide by sqrt(biased variance + eps), then a per-channel affine gamma (1) /
 * beta (0). Chosen over BatchNorm so that a sample's reconstruction does not depend on its batch or on
 * running statistics (train and eval compute the same function).
 */
public final class GroupNormBlock extends AbstractBlock {
    public static final int DEFAULT_GROUPS = 8;
    private static final byte VERSION = 1;
    private final int groups;
    private final int channels;
    private final float eps = 1e-5f;
    private final Parameter gamma;
    private final Parameter beta;

    public GroupNormBlock(int groups, int channels) {
        super(VERSION);
        if (groups < 1 || channels % groups != 0)
            throw new IllegalArgumentException(
                    "GroupNorm: channels " + channels + " not divisible into " + groups + " groups");
        this.groups = groups;
        this.channels = channels;
        gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .build());
        beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels)
            throw new IllegalArgumentException(
                    "GroupNorm(" + channels + "): input shape " + s + ", expected (N," + channels + ",H,W)");
        // GroupNorm = layer norm over each (sample, group) slice: one fused libtorch op instead of ~10 small ones
        // (each DJL op costs ~0.1 ms of JNI/bookkeeping, which dominates at this model's size)
        long slice = s.size() / (s.get(0) * groups);
        NDManager m = x.getManager();
        NDArray norm = x.getNDArrayInternal()
                .layerNorm(
                        x.reshape(s.get(0), groups, slice),
                        new Shape(slice),
                        m.ones(new Shape(slice)),
                        m.zeros(new Shape(slice)),
                        eps)
                .singletonOrThrow()
                .reshape(s);
        NDArray ga = ps.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
        NDArray be = ps.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
        return new NDList(norm.mul(ga).add(be));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        // parameter shapes are fixed at construction
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + ", " + channels + ")";
    }
}
