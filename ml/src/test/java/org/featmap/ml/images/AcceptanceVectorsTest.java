package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spec §13 AV1–AV6. */
class AcceptanceVectorsTest {

    private static final int[][] COLOURS = {
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 200, 30}, {123, 45, 67},
        {200, 150, 100}, {255, 255, 255}, {0, 0, 0}, {128, 128, 128}, {12, 34, 56}
    };

    @Test
    void av1Grayscale() {
        int[] expected = {76, 150, 29, 124, 71, 159, 255, 0, 128, 30};
        RgbImage out = ColorOps.grayscale(strip(COLOURS));
        for (int i = 0; i < expected.length; i++)
            for (int c = 0; c < 3; c++) assertEquals(expected[i], out.get(i, 0, c), "colour " + i);
    }

    @Test
    void av2HsvAndHueShift() {
        int[][] hsv = {
            {0, 255, 255},
            {85, 255, 255},
            {170, 255, 255},
            {89, 242, 200},
            {243, 161, 123},
            {21, 127, 200},
            {0, 0, 255},
            {0, 0, 0},
            {0, 0, 128},
            {148, 200, 56}
        };
        int[][] shifted = {
            {150, 255, 0},
            {0, 150, 255},
            {255, 0, 150},
            {10, 104, 200},
            {115, 123, 45},
            {110, 200, 100},
            {255, 255, 255},
            {0, 0, 0},
            {128, 128, 128},
            {51, 12, 56}
        };
        for (int i = 0; i < COLOURS.length; i++) {
            int p = PillowColor.rgbToHsv(COLOURS[i][0], COLOURS[i][1], COLOURS[i][2]);
            assertArrayEquals(hsv[i], new int[] {p >> 16, (p >> 8) & 0xFF, p & 0xFF}, "HSV of colour " + i);
        }
        RgbImage out = ColorOps.hueShift(strip(COLOURS), 60);
        for (int i = 0; i < COLOURS.length; i++)
            assertArrayEquals(
                    shifted[i], new int[] {out.get(i, 0, 0), out.get(i, 0, 1), out.get(i, 0, 2)}, "shift of " + i);
        RgbImage round = ColorOps.hueShift(strip(new int[][] {{10, 200, 30}, {12, 34, 56}}), 0);
        assertArrayEquals(
                new int[] {10, 200, 28}, new int[] {round.get(0, 0, 0), round.get(0, 0, 1), round.get(0, 0, 2)});
        assertArrayEquals(
                new int[] {12, 35, 56}, new int[] {round.get(1, 0, 0), round.get(1, 0, 1), round.get(1, 0, 2)});
    }

    @Test
    void av3Geometry() {
        byte[] b = new byte[27];
        for (int v = 0; v < 9; v++) b[v * 3] = b[v * 3 + 1] = b[v * 3 + 2] = (byte) v;
        RgbImage img = new RgbImage(3, 3, b);
        assertArrayEquals(new int[][] {{2, 5, 8}, {1, 4, 7}, {0, 3, 6}}, grid(Manipulation.ROTATION_90.apply(img, 0)));
        assertArrayEquals(new int[][] {{8, 7, 6}, {5, 4, 3}, {2, 1, 0}}, grid(Manipulation.ROTATION_180.apply(img, 0)));
        assertArrayEquals(new int[][] {{6, 3, 0}, {7, 4, 1}, {8, 5, 2}}, grid(Manipulation.ROTATION_270.apply(img, 0)));
        assertArrayEquals(new int[][] {{2, 1, 0}, {5, 4, 3}, {8, 7, 6}}, grid(Manipulation.MIRROR_H.apply(img, 0)));
        assertArrayEquals(new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}}, grid(Manipulation.MIRROR_V.apply(img, 0)));
    }

    @Test
    void av4Masks() {
        Manipulation[] masks = {
            Manipulation.MASK_TOP_LEFT_SQUARE,
            Manipulation.MASK_BOTTOM_RIGHT_SQUARE,
            Manipulation.MASK_BIG_SQUARE_CENTER,
            Manipulation.MASK_SMALL_SQUARE_CENTER
        };
        int[] counts = {6084, 8281, 10816, 1521};
        int[][] ranges = {{26, 103}, {180, 270}, {90, 193}, {116, 154}};
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}};
        RgbImage grey = RgbImage.blank(288, 288);
        java.util.Arrays.fill(grey.rgb(), (byte) 77);
        for (int k = 0; k < masks.length; k++) {
            RgbImage out = masks[k].apply(grey, 0);
            int count = 0, minX = 999, maxX = -1, minY = 999, maxY = -1;
            for (int y = 0; y < 288; y++)
                for (int x = 0; x < 288; x++)
                    if (out.get(x, y, 0) != 77 || out.get(x, y, 1) != 77 || out.get(x, y, 2) != 77) {
                        count++;
                        assertArrayEquals(colours[k], new int[] {out.get(x, y, 0), out.get(x, y, 1), out.get(x, y, 2)});
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
            assertEquals(counts[k], count, masks[k].fileName());
            assertArrayEquals(
                    new int[] {ranges[k][0], ranges[k][1], ranges[k][0], ranges[k][1]},
                    new int[] {minX, maxX, minY, maxY});
        }
    }

    @Test
    void maskPolygonsAreValidated() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> SquareMask.fromPolygon(
                        "mask_x",
                        java.util.List.of(new int[] {0, 0}, new int[] {300, 0}, new int[] {300, 10}, new int[] {0, 10}),
                        new int[] {1, 2, 3},
                        288,
                        288));
        assertTrue(
                e.getMessage().contains("mask_x")
                        && e.getMessage().contains("(300,0)")
                        && e.getMessage().contains("outside"),
                e.getMessage());
        var tri = assertThrows(
                IllegalArgumentException.class,
                () -> SquareMask.fromPolygon(
                        "mask_t",
                        java.util.List.of(new int[] {0, 0}, new int[] {10, 0}, new int[] {5, 5}),
                        new int[] {1, 2, 3},
                        288,
                        288));
        assertTrue(tri.getMessage().contains("3 corners"), tri.getMessage());
        SquareMask ok = SquareMask.fromPolygon(
                "mask_top_left_square",
                java.util.List.of(new int[] {26, 26}, new int[] {103, 26}, new int[] {103, 103}, new int[] {26, 103}),
                new int[] {255, 0, 0},
                288,
                288);
        assertEquals(SquareMask.TOP_LEFT, ok);
    }

    @Test
    void av5NoiseArithmetic() {
        assertEquals(112, GaussianNoise.addTruncated(100, 12.7));
        assertEquals(100, GaussianNoise.addTruncated(100, -0.9));
        assertEquals(255, GaussianNoise.addTruncated(250, 37.2));
        assertEquals(0, GaussianNoise.addTruncated(3, -7.6));
    }

    @Test
    void av6ResizeCropGeometry() {
        int[][] cases = {
            {400, 300, 384, 288, 48, 0},
            {500, 333, 432, 288, 72, 0},
            {300, 450, 288, 432, 0, 72},
            {640, 480, 384, 288, 48, 0},
            {289, 288, 289, 288, 0, 0},
            {291, 288, 291, 288, 2, 0}
        };
        for (int[] c : cases) {
            assertArrayEquals(new int[] {c[2], c[3]}, ResizeCrop.resizedSize(c[0], c[1], 288), c[0] + "x" + c[1]);
            assertEquals(c[4], ResizeCrop.cropOffset(c[2], 288));
            assertEquals(c[5], ResizeCrop.cropOffset(c[3], 288));
        }
        assertArrayEquals(new int[] {384, 384}, ResizeCrop.resizedSize(288, 288, 384));
        RgbImage img = FixtureRandom.image(3, 291, 288);
        RgbImage out = ResizeCrop.apply(img, 288); // no resample, crop from x = 2
        for (int y = 0; y < 288; y += 50) assertEquals(img.get(2, y, 1), out.get(0, y, 1));
    }

    @Test
    void unknownManipulationNamesListTheAllowedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Manipulation.parseList("rotation_90,rotate_45"));
        assertTrue(
                e.getMessage().startsWith("unknown manipulation 'rotate_45'; allowed: rotation_90, rotation_180"),
                e.getMessage());
        assertEquals(12, Manipulation.parseList(null).size());
    }

    private static RgbImage strip(int[][] colours) {
        RgbImage img = RgbImage.blank(colours.length, 1);
        for (int i = 0; i < colours.length; i++) for (int c = 0; c < 3; c++) img.set(i, 0, c, colours[i][c]);
        return img;
    }

    private static int[][] grid(RgbImage img) {
        int[][] g = new int[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++) for (int x = 0; x < img.width(); x++) g[y][x] = img.get(x, y, 0);
        return g;
    }
}
