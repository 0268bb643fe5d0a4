package org.featmap.ml.images;

import java.util.List;

/**
 * A solid-colour mask polygon (spec §2.6). Pillow's {@code ImageDraw.polygon(pts, fill, outline)} covers an
 * axis-aligned rectangle's corner coordinates inclusively (verified, AV4); that is what this draws.
 * General polygons are rejected: a Pillow-exact rasteriser for them is not needed by the spec (§12.3).
 */
public record SquareMask(String name, int x0, int y0, int x1, int y1, int red, int green, int blue) {

    public static final SquareMask TOP_LEFT = new SquareMask("mask_top_left_square", 26, 26, 103, 103, 255, 0, 0);
    public static final SquareMask BOTTOM_RIGHT =
            new SquareMask("mask_bottom_right_square", 180, 180, 270, 270, 0, 255, 0);
    public static final SquareMask BIG_CENTER = new SquareMask("mask_big_square_center", 90, 90, 193, 193, 0, 0, 255);
    public static final SquareMask SMALL_CENTER =
            new SquareMask("mask_small_square_center", 116, 116, 154, 154, 255, 255, 0);

    public SquareMask {
        if (x1 < x0 || y1 < y0)
            throw new IllegalArgumentException(
                    "mask " + name + ": empty rectangle " + x0 + "," + y0 + ".." + x1 + "," + y1);
        for (int c : new int[] {red, green, blue})
            if (c < 0 || c > 255)
                throw new IllegalArgumentException("mask " + name + ": colour component " + c + " not in 0..255");
    }

    /**
     * Builds a mask from polygon corners {@code [[x,y],...]}, which must form an axis-aligned rectangle
     * inside a {@code width x height} image.
     */
    public static SquareMask fromPolygon(String name, List<int[]> corners, int[] rgb, int width, int height) {
        if (corners.size() != 4)
            throw new IllegalArgumentException("mask " + name + ": polygon has " + corners.size()
                    + " corners; only axis-aligned rectangles (4 corners) are supported");
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = Integer.MIN_VALUE, maxY = Integer.MIN_VALUE;
        for (int[] p : corners) {
            if (p[0] < 0 || p[1] < 0 || p[0] >= width || p[1] >= height)
                throw new IllegalArgumentException(
                        "mask " + name + ": corner (" + p[0] + "," + p[1] + ") outside the " + width + "x" + height
                                + " image (allowed x 0.." + (width - 1) + ", y 0.." + (height - 1) + ")");
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        for (int[] p : corners)
            if ((p[0] != minX && p[0] != maxX) || (p[1] != minY && p[1] != maxY))
                throw new IllegalArgumentException(
                        "mask " + name + ": polygon is not an axis-aligned rectangle; only those are supported");
        return new SquareMask(name, minX, minY, maxX, maxY, rgb[0], rgb[1], rgb[2]);
    }

    public long pixelCount() {
        return (long) (x1 - x0 + 1) * (y1 - y0 + 1);
    }

    public RgbImage apply(RgbImage img) {
        if (x1 >= img.width() || y1 >= img.height())
            throw new IllegalArgumentException("mask " + name + ": rectangle up to (" + x1 + "," + y1 + ") outside the "
                    + img.width() + "x" + img.height() + " image");
        RgbImage out = img.copy();
        byte[] px = out.rgb();
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                int q = (y * img.width() + x) * 3;
                px[q] = (byte) red;
                px[q + 1] = (byte) green;
                px[q + 2] = (byte) blue;
            }
        return out;
    }
}
