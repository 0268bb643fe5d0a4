package org.featmap.ml.classify;

import java.util.SplittableRandom;
import org.featmap.ml.images.PillowAffine;
import org.featmap.ml.images.PillowEnhance;
import org.featmap.ml.images.PillowImageOps;
import org.featmap.ml.images.RgbImage;

/**
 * torchvision 0.22 {@code RandAugment(num_ops, magnitude, num_magnitude_bins, NEAREST, fill=None)} on a PIL RGB
 * image (spec §8.1: num_ops 1, magnitude 9, 31 bins). Each op equals torchvision's {@code _apply_op} on Pillow 12
 * byte for byte (checked by RandAugmentTest against python/fixtures/randaugment); only the random draws differ:
 * spec §8.1 departure — torch's global generator cannot be reproduced from Java, so the op index and the sign are
 * drawn from the caller's {@link SplittableRandom} with the same distribution (uniform op, then a fair coin for
 * signed ops, in torchvision's order).
 */
public final class RandAugment {
    /** The ops of {@code RandAugment._augmentation_space}, in its dict order. */
    public enum Op {
        IDENTITY(false),
        SHEAR_X(true),
        SHEAR_Y(true),
        TRANSLATE_X(true),
        TRANSLATE_Y(true),
        ROTATE(true),
        BRIGHTNESS(true),
        COLOR(true),
        CONTRAST(true),
        SHARPNESS(true),
        POSTERIZE(false),
        SOLARIZE(false),
        AUTO_CONTRAST(false),
        EQUALIZE(false);

        public final boolean signed;

        Op(boolean signed) {
            this.signed = signed;
        }

        /** torchvision's op name, e.g. "ShearX". */
        public String torchName() {
            StringBuilder s = new StringBuilder();
            for (String part : name().split("_"))
                s.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
            return s.toString().replace("Autocontrast", "AutoContrast");
        }

        public static Op ofTorchName(String name) {
            for (Op op : values()) if (op.torchName().equals(name)) return op;
            throw new IllegalArgumentException("RandAugment op '" + name + "' unknown; allowed "
                    + java.util.Arrays.stream(values()).map(Op::torchName).toList());
        }
    }

    /** One draw: the op and its signed magnitude, as torchvision passes them to {@code _apply_op}. */
    public record Choice(Op op, double magnitude) {}

    private final int numOps, magnitudeBin, numBins;

    public RandAugment(int numOps, int magnitudeBin, int numBins) {
        if (numOps < 0) throw new IllegalArgumentException("RandAugment num_ops " + numOps + ", must be >= 0");
        // torch.linspace's upper half (vectorised CPU kernel) differs in the last float bit from start + i * step;
        // only the lower half is reproduced exactly, which covers the spec's bin 9 of 31.
        if (numBins < 2 || magnitudeBin < 0 || magnitudeBin >= numBins / 2)
            throw new IllegalArgumentException("RandAugment magnitude " + magnitudeBin + " of " + numBins
                    + " bins; allowed 0 <= magnitude < num_bins / 2 (spec §8.1: 9 of 31)");
        this.numOps = numOps;
        this.magnitudeBin = magnitudeBin;
        this.numBins = numBins;
    }

    /** Spec §8.1: RandAugment(num_ops 1, magnitude 9, 31 bins, nearest). */
    public static RandAugment reference() {
        return new RandAugment(1, 9, 31);
    }

    public RgbImage apply(RgbImage img, java.util.random.RandomGenerator rng) {
        RgbImage out = img;
        // torchvision computes the magnitudes from the input size once, before the ops
        int w = img.width(), h = img.height();
        for (int i = 0; i < numOps; i++) {
            Choice c = draw(w, h, rng);
            out = applyOp(out, c.op(), c.magnitude());
        }
        return out;
    }

    /** The op (uniform over 14) then, for signed ops, a fair coin for the minus sign — torchvision's draw order. */
    public Choice draw(int width, int height, java.util.random.RandomGenerator rng) {
        Op op = Op.values()[rng.nextInt(Op.values().length)];
        double m = magnitude(op, magnitudeBin, numBins, width, height);
        if (op.signed && rng.nextInt(2) == 1) m = -m;
        return new Choice(op, m);
    }

    /**
     * {@code float(magnitudes[bin])} of {@code _augmentation_space(numBins, (height, width))}: torch float32
     * linspace (start + step * i for the lower half) widened to double; 0.0 for the magnitude-free ops.
     */
    public static double magnitude(Op op, int bin, int numBins, int width, int height) {
        return switch (op) {
            case IDENTITY, AUTO_CONTRAST, EQUALIZE -> 0.0;
            case SHEAR_X, SHEAR_Y -> linspace(0.0, 0.3, numBins, bin);
            case TRANSLATE_X -> linspace(0.0, 150.0 / 331.0 * width, numBins, bin);
            case TRANSLATE_Y -> linspace(0.0, 150.0 / 331.0 * height, numBins, bin);
            case ROTATE -> linspace(0.0, 30.0, numBins, bin);
            case BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> linspace(0.0, 0.9, numBins, bin);
            // 8 - (arange(n) / ((n - 1) / 4)).round().int(): float32 division, round half to even
            case POSTERIZE -> 8 - (int) Math.rint((float) bin / (float) ((numBins - 1) / 4.0));
            case SOLARIZE -> linspace(255.0, 0.0, numBins, bin);
        };
    }

    /** torch.linspace(start, end, steps)[i] in float32, for i < steps / 2 (ATen RangeFactoriesKernel). */
    static double linspace(double start, double end, int steps, int i) {
        if (i >= steps / 2)
            throw new IllegalArgumentException("linspace index " + i + " not in the lower half of " + steps);
        float s = (float) start, e = (float) end;
        float step = (e - s) / (float) (steps - 1);
        return s + step * (float) i;
    }

    /** torchvision {@code _apply_op(img, op_name, magnitude, NEAREST, fill=None)} on a PIL RGB image. */
    public static RgbImage applyOp(RgbImage img, Op op, double magnitude) {
        return switch (op) {
            case IDENTITY -> img;
            case SHEAR_X ->
                PillowAffine.transform(img, inverseAffine(0, 0, 0, 0, 0, Math.toDegrees(Math.atan(magnitude)), 0.0));
            case SHEAR_Y ->
                PillowAffine.transform(img, inverseAffine(0, 0, 0, 0, 0, 0.0, Math.toDegrees(Math.atan(magnitude))));
            // F.affine on PIL with center None uses the image centre; translate is int(magnitude)
            case TRANSLATE_X ->
                PillowAffine.transform(
                        img, inverseAffine(img.width() * 0.5, img.height() * 0.5, 0, (int) magnitude, 0, 0.0, 0.0));
            case TRANSLATE_Y ->
                PillowAffine.transform(
                        img, inverseAffine(img.width() * 0.5, img.height() * 0.5, 0, 0, (int) magnitude, 0.0, 0.0));
            case ROTATE -> PillowAffine.rotate(img, magnitude);
            case BRIGHTNESS -> PillowEnhance.brightness(img, 1.0 + magnitude);
            case COLOR -> PillowEnhance.color(img, 1.0 + magnitude);
            case CONTRAST -> PillowEnhance.contrast(img, 1.0 + magnitude);
            case SHARPNESS -> PillowEnhance.sharpness(img, 1.0 + magnitude);
            case POSTERIZE -> PillowImageOps.posterize(img, (int) magnitude);
            case SOLARIZE -> PillowImageOps.solarize(img, magnitude);
            case AUTO_CONTRAST -> PillowImageOps.autocontrast(img);
            case EQUALIZE -> PillowImageOps.equalize(img);
        };
    }

    /**
     * torchvision {@code _get_inverse_affine_matrix(center, angle, translate, scale=1, shear)} (inverted), the
     * matrix F.affine hands to Pillow; same double operations in the same order.
     */
    static double[] inverseAffine(
            double cx, double cy, double angle, double tx, double ty, double shearX, double shearY) {
        double rot = Math.toRadians(angle), sx = Math.toRadians(shearX), sy = Math.toRadians(shearY);
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double scale = 1.0;
        double[] m = {d / scale, -b / scale, 0.0 / scale, -c / scale, a / scale, 0.0 / scale};
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }
}
