package org.featmap.ml.reconstruct;

import static org.junit.jupiter.api.Assertions.*;

import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

class DecoderTargetsTest {
    static RgbImage pattern(int w, int h) {
        RgbImage img = RgbImage.blank(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                img.set(x, y, 0, x % 256);
                img.set(x, y, 1, y % 256);
                img.set(x, y, 2, (x * y) % 256);
            }
        return img;
    }

    @Test
    void squareImagesArePillowBilinearResized() {
        RgbImage img = pattern(288, 288);
        assertArrayEquals(
                PillowResample.resize(img, 32, 32, PillowResample.Filter.BILINEAR)
                        .rgb(),
                DecoderTargets.target(img, 32).rgb());
        assertArrayEquals(img.rgb(), DecoderTargets.target(img, 288).rgb());
    }

    @Test
    void nonSquareImagesUseTheCentredSquare() {
        RgbImage wide = pattern(301, 288); // crop offset round(13 / 2) = 6 (half to even)
        RgbImage t = DecoderTargets.target(wide, 288);
        assertEquals(6, t.get(0, 0, 0));
        assertEquals((6 + 287) % 256, t.get(287, 0, 0));
        RgbImage tall = pattern(288, 300); // offset 6
        assertEquals(6, DecoderTargets.target(tall, 288).get(0, 0, 1));
    }

    @Test
    void chwLayout() {
        RgbImage img = pattern(4, 4);
        byte[] chw = new byte[3 * 16 + 5];
        DecoderTargets.toChw(img, chw, 5);
        assertEquals(img.get(3, 2, 0), chw[5 + 2 * 4 + 3] & 0xFF);
        assertEquals(img.get(3, 2, 1), chw[5 + 16 + 2 * 4 + 3] & 0xFF);
        assertEquals(img.get(1, 3, 2), chw[5 + 32 + 3 * 4 + 1] & 0xFF);
    }
}
