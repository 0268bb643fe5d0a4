package org.featmap.ml.images;

/**
 * torchvision {@code Resize(size)} + {@code CenterCrop(size)} on a PIL image (spec §1.4, AV6): the shorter
 * side becomes {@code size} (Pillow bilinear, spec §3.6), the longer {@code int(size * long / short)}; an
 * image already of that size is not resampled; the crop offset is round-half-even((W - size) / 2).
 * Smaller images are upscaled, as the reference does.
 */
public final class ResizeCrop {
    private ResizeCrop() {}

    /** Reference target size {@code target_img_size} (spec §1.4). */
    public static final int TARGET = 288;

    /** The (width, height) torchvision's Resize(size) gives for a {@code w x h} image. */
    public static int[] resizedSize(int w, int h, int size) {
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        // Python: int(size * long / short) — exact integer product, then one float division, truncated.
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        return w <= h ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    /** torchvision center_crop offset: int(round((in - crop) / 2.0)) with Python's round-half-even. */
    public static int cropOffset(int in, int crop) {
        return (int) Math.rint((in - crop) / 2.0);
    }

    public static RgbImage resize(RgbImage img, int size) {
        int[] wh = resizedSize(img.width(), img.height(), size);
        if (wh[0] == img.width() && wh[1] == img.height()) return img;
        return PillowResample.resize(img, wh[0], wh[1], PillowResample.Filter.BILINEAR);
    }

    public static RgbImage centerCrop(RgbImage img, int size) {
        if (img.width() < size || img.height() < size)
            throw new IllegalArgumentException(
                    "cannot centre-crop " + img.width() + "x" + img.height() + " to " + size);
        int left = cropOffset(img.width(), size);
        int top = cropOffset(img.height(), size);
        if (left == 0 && top == 0 && img.width() == size && img.height() == size) return img;
        byte[] out = new byte[size * size * 3];
        byte[] in = img.rgb();
        for (int y = 0; y < size; y++)
            System.arraycopy(in, ((top + y) * img.width() + left) * 3, out, y * size * 3, size * 3);
        return new RgbImage(size, size, out);
    }

    /**
     * Resize shorter side to {@code size}, then centre crop {@code size x size}: byte-equal to {@code
     * centerCrop(resize(img, size), size)}, resampling only the crop's window (a quarter less work for 4:3 photos).
     */
    public static RgbImage apply(RgbImage img, int size) {
        int[] wh = resizedSize(img.width(), img.height(), size);
        if (wh[0] == img.width() && wh[1] == img.height()) return centerCrop(img, size);
        if (wh[0] < size || wh[1] < size)
            throw new IllegalArgumentException("cannot centre-crop " + wh[0] + "x" + wh[1] + " to " + size);
        return PillowResample.resizeWindow(
                img,
                wh[0],
                wh[1],
                PillowResample.Filter.BILINEAR,
                cropOffset(wh[0], size),
                cropOffset(wh[1], size),
                size,
                size);
    }
}
