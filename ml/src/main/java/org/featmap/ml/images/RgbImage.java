package org.featmap.ml.images;

import java.util.Objects;

/**
 * An 8-bit RGB image, pixels interleaved row-major (HWC), as Pillow's "RGB" mode holds it.
 * {@code rgb[(y * width + x) * 3 + c]}, unsigned bytes.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size " + width + "x" + height);
        if (rgb.length != width * height * 3)
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected " + width * height * 3);
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    /** Channel value 0..255 at (x, y, c). */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    public void set(int x, int y, int c, int value) {
        rgb[(y * width + x) * 3 + c] = (byte) value;
    }

    public RgbImage copy() {
        return new RgbImage(width, height, rgb.clone());
    }
}
