package org.featmap.ml.reconstruct;

/**
 * Geometry of one {@link DecoderModel}: a {@code channels × featHeight × featWidth} feature map in,
 * a {@code 3 × imageSize × imageSize} image out; {@code hiddenWidth} channels after the 1×1 input conv.
 *
 * <p>Derived plan: {@link #upsamples()} ×2 stages so that {@code base · 2^k ≈ imageSize}, with
 * {@code k = max(0, round(log2(imageSize / max(featHeight, featWidth))))}; the feature map is first
 * resampled (bilinear) to {@code base × base} and, if {@code base · 2^k ≠ imageSize}, the last hidden map is
 * resampled to {@code imageSize} before the output conv. ConvNeXt feat3 (9×9) at 64 → base 8, 3 stages;
 * feat2 (18×18) → base 16, 2 stages; feat0 (72×72) → base 64, no stage.
 */
public record DecoderShape(int channels, int featHeight, int featWidth, int imageSize, int hiddenWidth) {
    /** Channels never go below this in the upsampling stages (also a multiple of the GroupNorm groups). */
    public static final int MIN_WIDTH = 16;

    public DecoderShape {
        if (channels < 1 || featHeight < 1 || featWidth < 1)
            throw new IllegalArgumentException(
                    "feature shape " + channels + "x" + featHeight + "x" + featWidth + ", all must be >= 1");
        if (imageSize < 8 || imageSize > 1024)
            throw new IllegalArgumentException("imageSize " + imageSize + ", allowed 8..1024");
        if (hiddenWidth < MIN_WIDTH || hiddenWidth % GroupNormBlock.DEFAULT_GROUPS != 0)
            throw new IllegalArgumentException("hiddenWidth " + hiddenWidth + ", must be >= " + MIN_WIDTH
                    + " and a multiple of " + GroupNormBlock.DEFAULT_GROUPS);
    }

    public int upsamples() {
        double ratio = (double) imageSize / Math.max(featHeight, featWidth);
        return (int) Math.max(0, Math.round(Math.log(ratio) / Math.log(2)));
    }

    /** Side of the square map the ×2 stages start from. */
    public int base() {
        int k = upsamples();
        return Math.max(1, (imageSize + (1 << k) - 1) >> k); // ceil: never below imageSize after k stages
    }

    /** Output channels of the stage {@code i} (0-based): halving from {@code hiddenWidth}, floor {@link #MIN_WIDTH}. */
    public int stageWidth(int i) {
        return Math.max(MIN_WIDTH, hiddenWidth >> (i + 1));
    }

    public int lastWidth() {
        int k = upsamples();
        return k == 0 ? hiddenWidth : stageWidth(k - 1);
    }
}
