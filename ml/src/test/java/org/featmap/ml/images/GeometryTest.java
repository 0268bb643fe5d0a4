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
        int[][] sizes = {
            {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {7, 7}, {8, 8}, {13, 13}, {288, 288}, {5, 3}, {1, 9}, {9, 1}
        };
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
    void pooledArraysGiveTheSameBytesWhateverTheyHeld() {
        PixelBuffers buffers = new PixelBuffers();
        for (int[] s : new int[][] {{288, 288}, {7, 7}, {5, 3}}) {
            RgbImage in = random(s[0], s[1], 42);
            for (Manipulation m : Manipulation.values()) {
                if (s[0] != s[1] && m.name().startsWith("ROTATION_") && !m.equals(Manipulation.ROTATION_180)) continue;
                if (s[0] != 288 && m.name().startsWith("MASK_")) continue; // masks are for 288²
                // a dirty array in the pool: the op must overwrite every byte
                byte[] dirty = new byte[in.rgb().length];
                java.util.Arrays.fill(dirty, (byte) 0x5A);
                buffers.give(dirty);
                RgbImage pooled = m.apply(in, 9, buffers);
                org.junit.jupiter.api.Assertions.assertNotSame(in.rgb(), pooled.rgb(), m.fileName());
                assertArrayEquals(m.apply(in, 9).rgb(), pooled.rgb(), m.fileName() + " " + s[0] + "x" + s[1]);
                buffers.give(pooled);
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(buffers.size() <= 4);
        byte[] b = buffers.take(7 * 7 * 3);
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Geometry.mirrorV(new RgbImage(7, 7, b), b));
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
