package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed 4-byte copies equal the per-pixel definitions on every size, including 1x1 and odd ones. */
class GeometryTest {
    private static RgbImage random(int w, int h, long seed) {
        byte[] b = new byte[w * h * 3];
        new Random(seed).nextBytes(b);
        return new RgbImage(w, h, b);
    }

    private interface Map {
        int[] src(int x, int y, int w, int h); // source (x, y) of output (x, y)
    }

    private static RgbImage reference(RgbImage in, int ow, int oh, Map m) {
        RgbImage out = RgbImage.blank(ow, oh);
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                int[] s = m.src(x, y, in.width(), in.height());
                for (int c = 0; c < 3; c++) out.set(x, y, c, in.get(s[0], s[1], c));
            }
        return out;
    }

    @Test
    void permutationsMatchTheirDefinitions() {
        int[][] sizes = {{1, 1}, {2, 2}, {3, 3}, {7, 7}, {288, 288}, {5, 3}, {1, 9}, {9, 1}};
        long seed = 1;
        for (int[] s : sizes) {
            RgbImage in = random(s[0], s[1], seed++);
            int w = s[0], h = s[1];
            assertArrayEquals(
                    reference(in, w, h, (x, y, W, H) -> new int[] {W - 1 - x, y})
                            .rgb(),
                    Geometry.mirrorH(in).rgb());
            assertArrayEquals(
                    reference(in, w, h, (x, y, W, H) -> new int[] {x, H - 1 - y})
                            .rgb(),
                    Geometry.mirrorV(in).rgb());
            assertArrayEquals(
                    reference(in, w, h, (x, y, W, H) -> new int[] {W - 1 - x, H - 1 - y})
                            .rgb(),
                    Geometry.rotate180(in).rgb());
            if (w == h) {
                assertArrayEquals(
                        reference(in, w, h, (x, y, W, H) -> new int[] {W - 1 - y, x})
                                .rgb(),
                        Geometry.rotate90(in).rgb());
                assertArrayEquals(
                        reference(in, w, h, (x, y, W, H) -> new int[] {y, H - 1 - x})
                                .rgb(),
                        Geometry.rotate270(in).rgb());
            }
        }
    }

    @Test
    void grayscaleTablesEqualPillowLuma() {
        for (int[] s : new int[][] {{1, 1}, {5, 3}, {64, 64}}) {
            RgbImage in = random(s[0], s[1], 99);
            RgbImage out = ColorOps.grayscale(in);
            for (int y = 0; y < s[1]; y++)
                for (int x = 0; x < s[0]; x++) {
                    int l = PillowColor.luma(in.get(x, y, 0), in.get(x, y, 1), in.get(x, y, 2));
                    for (int c = 0; c < 3; c++) org.junit.jupiter.api.Assertions.assertEquals(l, out.get(x, y, c));
                }
        }
    }
}
