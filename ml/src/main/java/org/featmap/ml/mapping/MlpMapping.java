package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;

/** Per-token Linear(C→512) → ReLU → Dropout(0.2) → Linear(512→C) (spec §5.3); keys fc.0.*, fc.3.*. */
public final class MlpMapping extends MappingModel {
    public static final float DROPOUT = 0.2f;
    private final NDArray[] fc0;
    private final NDArray[] fc3;

    MlpMapping(NDManager m, int c, boolean tf, String manip, SplittableRandom rng, int hidden) {
        super(m, c, tf, manip);
        fc0 = linear("fc.0.", c, hidden, rng);
        fc3 = linear("fc.3.", hidden, c, rng);
    }

    @Override
    public ModelType type() {
        return ModelType.MLP;
    }

    @Override
    protected NDArray network(NDArray x, boolean training) {
        return perToken(
                x,
                t -> applyLinear(
                        masks.dropout(applyLinear(t, fc0).getNDArrayInternal().relu(), DROPOUT, training), fc3));
    }
}
