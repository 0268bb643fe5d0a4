package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {

    private static RgbImage constant(int w, int h, int v) {
        byte[] b = new byte[w * h * 3];
        Arrays.fill(b, (byte) v);
        return new RgbImage(w, h, b);
    }

    @Test
    void av17ConstantImages() {
        assertEquals(0.9954764440915066, ImageMetrics.ssim(constant(9, 11, 100), constant(9, 11, 110)), 1e-12);
        assertEquals(1.0, ImageMetrics.ssim(constant(7, 7, 42), constant(7, 7, 42)), 1e-12);
        assertEquals(100.0, ImageMetrics.mse(constant(7, 7, 100), constant(7, 7, 110)), 0);
    }

    @Test
    void av17Formula16x16() {
        RgbImage a = RgbImage.blank(16, 16);
        RgbImage b = RgbImage.blank(16, 16);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < 3; c++) {
                    a.set(x, y, c, (7 * y + 13 * x + 29 * c) % 256);
                    b.set(x, y, c, (5 * y * y + 3 * x + 11 * c) % 256);
                }
        assertArrayEquals(
                new double[] {0.06586765326649952, 0.09782255855482803, 0.12941153544066084},
                ImageMetrics.ssimPerChannel(a, b),
                1e-9);
        assertEquals(0.09770058242066278, ImageMetrics.ssim(a, b), 1e-9);
        assertEquals(9452.666666666666, ImageMetrics.mse(a, b), 1e-9);
    }

    @Test
    void matchesScikitImageFixtures() {
        JsonNode cases = MetricFixtures.load("ssim_mse.json").get("cases");
        assertEquals(5, cases.size());
        for (JsonNode c : cases) {
            int w = c.get("w").asInt(), h = c.get("h").asInt();
            RgbImage a = MetricFixtures.image(c.get("a"), w, h);
            RgbImage b = MetricFixtures.image(c.get("b"), w, h);
            String what = c.get("kind").asText() + " " + w + "x" + h;
            assertEquals(
                    c.get("mse").asDouble(),
                    ImageMetrics.mse(a, b),
                    1e-9 * c.get("mse").asDouble(),
                    what);
            assertEquals(c.get("ssim").asDouble(), ImageMetrics.ssim(a, b), 1e-9, what);
            assertArrayEquals(
                    MetricFixtures.doubles(c.get("ssim_per_channel")), ImageMetrics.ssimPerChannel(a, b), 1e-9, what);
        }
    }

    @Test
    void rejectsDifferentSizesAndTinyImages() {
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.mse(constant(8, 8, 0), constant(9, 8, 0)));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(constant(6, 8, 0), constant(6, 8, 0)));
    }
}
