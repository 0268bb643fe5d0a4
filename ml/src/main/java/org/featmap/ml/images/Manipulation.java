package org.featmap.ml.images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The 12 direct manipulations of spec §2 under their file-name vocabulary (spec §1.6). */
public enum Manipulation {
    ROTATION_90("rotation_90"),
    ROTATION_180("rotation_180"),
    ROTATION_270("rotation_270"),
    MIRROR_H("mirror_h"),
    MIRROR_V("mirror_v"),
    NOISE_40("noise_40"),
    MASK_TOP_LEFT_SQUARE("mask_top_left_square"),
    MASK_BOTTOM_RIGHT_SQUARE("mask_bottom_right_square"),
    MASK_BIG_SQUARE_CENTER("mask_big_square_center"),
    MASK_SMALL_SQUARE_CENTER("mask_small_square_center"),
    HUE_SHIFT_60("hue_shift_60"),
    GRAYSCALE("grayscale");

    /** The name of the unmanipulated 288x288 source in file names (spec §1.5). */
    public static final String RESIZED = "resized";

    private final String fileName;

    Manipulation(String fileName) {
        this.fileName = fileName;
    }

    /** The {@code <manipulation>} part of {@code <ID>_<manipulation>.<ext>}. */
    public String fileName() {
        return fileName;
    }

    /** True for the one manipulation that depends on a random seed. */
    public boolean isRandom() {
        return this == NOISE_40;
    }

    public static Manipulation parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Manipulation m : values()) if (m.fileName.equals(n)) return m;
        throw new IllegalArgumentException("unknown manipulation '" + name + "'; allowed: " + allowedNames());
    }

    /** Parses a comma-separated list; null/blank means all 12 in spec order. */
    public static List<Manipulation> parseList(String csv) {
        if (csv == null || csv.isBlank()) return List.of(values());
        List<Manipulation> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            Manipulation m = parse(part);
            if (!out.contains(m)) out.add(m);
        }
        return List.copyOf(out);
    }

    public static String allowedNames() {
        return Arrays.stream(values()).map(Manipulation::fileName).collect(Collectors.joining(", "));
    }

    /** Applies this manipulation to a 288x288 (or any square, for the masks: see {@link SquareMask}) original. */
    public RgbImage apply(RgbImage img, long noiseSeed) {
        return apply(img, noiseSeed, null);
    }

    /**
     * {@link #apply(RgbImage, long)}, the permutations writing into an array from {@code buffers} (null: a new one).
     * The result never shares the input's array, so a caller that has encoded and dropped it may give it back.
     */
    public RgbImage apply(RgbImage img, long noiseSeed, PixelBuffers buffers) {
        return switch (this) {
            case ROTATION_90 -> Geometry.rotate90(img, outputArray(img, buffers));
            case ROTATION_180 -> Geometry.rotate180(img, outputArray(img, buffers));
            case ROTATION_270 -> Geometry.rotate270(img, outputArray(img, buffers));
            case MIRROR_H -> Geometry.mirrorH(img, outputArray(img, buffers));
            case MIRROR_V -> Geometry.mirrorV(img, outputArray(img, buffers));
            case NOISE_40 -> GaussianNoise.apply(img, 40.0, noiseSeed);
            case MASK_TOP_LEFT_SQUARE -> SquareMask.TOP_LEFT.apply(img);
            case MASK_BOTTOM_RIGHT_SQUARE -> SquareMask.BOTTOM_RIGHT.apply(img);
            case MASK_BIG_SQUARE_CENTER -> SquareMask.BIG_CENTER.apply(img);
            case MASK_SMALL_SQUARE_CENTER -> SquareMask.SMALL_CENTER.apply(img);
            case HUE_SHIFT_60 -> ColorOps.hueShift(img, 60);
            case GRAYSCALE -> ColorOps.grayscale(img);
        };
    }

    /** A permutation's output array: pooled when there is a pool, else fresh (what the one-argument Geometry calls do). */
    private static byte[] outputArray(RgbImage img, PixelBuffers buffers) {
        int n = img.rgb().length;
        return buffers == null ? new byte[n] : buffers.take(n);
    }
}
