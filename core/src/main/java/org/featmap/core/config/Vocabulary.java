package org.featmap.core.config;

import java.util.List;

/** The names the study uses (spec §1.6, §5, §6.3, §10.2). */
public final class Vocabulary {
    private Vocabulary() {}

    /** The 12 direct manipulations, in the reference's order (spec §1.6). */
    public static final List<String> DIRECT_MANIPULATIONS = List.of(
            "rotation_90",
            "rotation_180",
            "rotation_270",
            "mirror_h",
            "mirror_v",
            "noise_40",
            "mask_top_left_square",
            "mask_bottom_right_square",
            "mask_big_square_center",
            "mask_small_square_center",
            "hue_shift_60",
            "grayscale");

    /**
     * The largest pixel coordinate each mask rectangle covers (spec §2.6: fixed for the 288-px grid, corners
     * inclusive); an image needs a side of at least this + 1 for the mask to fit. ml's SquareMask holds the
     * rectangles; a test checks the two agree.
     */
    public static final java.util.Map<String, Integer> MASK_EXTENT = java.util.Map.of(
            "mask_top_left_square",
            103,
            "mask_bottom_right_square",
            270,
            "mask_big_square_center",
            193,
            "mask_small_square_center",
            154);

    /** The unmanipulated source image's manipulation name. */
    public static final String RESIZED = "resized";

    public static final List<String> GEOMETRIC =
            List.of("rotation_90", "rotation_180", "rotation_270", "mirror_h", "mirror_v");

    public static final List<String> MODEL_TYPES = List.of("linear", "mlp", "cnn", "transformer");

    public static final String DIRECT_SOURCE = "direct";

    /** The reference's Qwen folder name, qwen_gs_<int(guidance)>_infsteps_<steps> (spec §1.5). */
    public static final String QWEN_SOURCE = "qwen_gs_1_infsteps_10";

    public static final List<String> SOURCES = List.of(DIRECT_SOURCE, QWEN_SOURCE);

    /** COS_SIM is the code's spelling; COSSIM (the config comment's, spec §11 B11) is accepted too. */
    public static final List<String> LOSSES = List.of("COMBINED", "MSE", "COS_SIM", "COSSIM");

    public static final List<String> SPLITS = List.of("train", "test");
}
