package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;

/** The fixed geometric transform of the geom_tf_apply_group over H, W of NCHW maps (spec §5.7, AV3). */
public final class SpatialTransform {
    private SpatialTransform() {}

    public static NDArray apply(NDArray nchw, String manipulation) {
        if (manipulation == null) {
            return nchw;
        }
        return switch (manipulation) {
            // numpy rot90(k=1, axes=(H,W)): y[h][w] = x[w][W−1−h] = transpose(flip_W(x))
            case "rotation_90" -> nchw.flip(3).transpose(0, 1, 3, 2);
            case "rotation_180" -> nchw.flip(2, 3);
            // y[h][w] = x[H−1−w][h] = transpose(flip_H(x))
            case "rotation_270" -> nchw.flip(2).transpose(0, 1, 3, 2);
            case "mirror_h" -> nchw.flip(3);
            case "mirror_v" -> nchw.flip(2);
            default -> nchw;
        };
    }

    /** Whether {@link #apply} changes maps for this manipulation. */
    public static boolean isGeometric(String manipulation) {
        return manipulation != null
                && switch (manipulation) {
                    case "rotation_90", "rotation_180", "rotation_270", "mirror_h", "mirror_v" -> true;
                    default -> false;
                };
    }
}
