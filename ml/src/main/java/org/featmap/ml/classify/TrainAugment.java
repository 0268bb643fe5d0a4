package org.featmap.ml.classify;

import java.util.SplittableRandom;
import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;

/**
 * Train-time augmentation of spec §8.1 on 8-bit RGB, seeded: RandAugment(num_ops 1, magnitude 9, 31 bins,
 * nearest) → RandomHorizontalFlip(0.5) → RandomResizedCrop(size, scale (0.08, 1), ratio (3/4, 4/3), bilinear)
 * with torchvision's sampling (10 attempts, then a ratio-clamped centre crop; crop then Pillow bilinear resize
 * as on a PIL image). Every RandAugment op equals torchvision 0.22 on Pillow 12 byte for byte
 * ({@link RandAugment}); the random draws (op, sign, flip, crop) come from the caller's {@link SplittableRandom},
 * not torch's generator, which Java cannot reproduce (spec §8.1: same distributions, different streams).
 * RandAugment can be switched off ({@link #TrainAugment(int, boolean)}) for flip + crop only.
 */
public final class TrainAugment {
    private final int size;
    private final double scaleMin, scaleMax, logRatioMin, logRatioMax;
    private final RandAugment randAugment; // null = off

    /** Spec §8.1: RandAugment on, flip, RandomResizedCrop to {@code size}. */
    public TrainAugment(int size) {
        this(size, true);
    }

    /** {@code randAugment} false drops the RandAugment step (flip + crop only, the pre-RandAugment behaviour). */
    public TrainAugment(int size, boolean randAugment) {
        this(size, randAugment ? RandAugment.reference() : null, 0.08, 1.0, 3.0 / 4, 4.0 / 3);
    }

    public TrainAugment(
            int size, RandAugment randAugment, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (size < 1) throw new IllegalArgumentException("augmentation crop size " + size + ", must be >= 1");
        this.size = size;
        this.randAugment = randAugment;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    public boolean randAugment() {
        return randAugment != null;
    }

    public RgbImage apply(RgbImage img, java.util.random.RandomGenerator rng) {
        RgbImage r = randAugment == null ? img : randAugment.apply(img, rng);
        RgbImage f = rng.nextDouble() < 0.5 ? flip(r) : r;
        int[] box = cropBox(f.width(), f.height(), rng);
        return PillowResample.resize(
                crop(f, box[0], box[1], box[2], box[3]), size, size, PillowResample.Filter.BILINEAR);
    }

    /** torchvision RandomResizedCrop.get_params: {left, top, width, height}. */
    int[] cropBox(int width, int height, java.util.random.RandomGenerator rng) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * rng.nextDouble());
            double aspect = Math.exp(logRatioMin + (logRatioMax - logRatioMin) * rng.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1), left = rng.nextInt(width - w + 1);
                return new int[] {left, top, w, h};
            }
        }
        double inRatio = (double) width / height, rMin = Math.exp(logRatioMin), rMax = Math.exp(logRatioMax);
        int w, h;
        if (inRatio < rMin) {
            w = width;
            h = (int) Math.round(w / rMin);
        } else if (inRatio > rMax) {
            h = height;
            w = (int) Math.round(h * rMax);
        } else {
            w = width;
            h = height;
        }
        return new int[] {(width - w) / 2, (height - h) / 2, w, h};
    }

    static RgbImage flip(RgbImage img) {
        int w = img.width(), h = img.height();
        byte[] src = img.rgb(), out = new byte[src.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) System.arraycopy(src, (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
        return new RgbImage(w, h, out);
    }

    static RgbImage crop(RgbImage img, int left, int top, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            System.arraycopy(img.rgb(), ((top + y) * img.width() + left) * 3, out, y * w * 3, w * 3);
        return new RgbImage(w, h, out);
    }
}
