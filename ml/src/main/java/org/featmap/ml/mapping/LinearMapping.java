package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;

/** Per-token affine map y = W x + b (spec §5.2); keys {@code weight, bias}. */
public final class LinearMapping extends MappingModel {
    private final NDArray[] fc;

    LinearMapping(NDManager m, int c, boolean tf, String manip, SplittableRandom rng) {
        super(m, c, tf, manip);
        fc = linear("", c, c, rng);
    }

    @Override
    public ModelType type() {
        return ModelType.LINEAR;
    }

    @Override
    protected NDArray network(NDArray x, boolean training) {
        return perToken(x, t -> applyLinear(t, fc));
    }
}
