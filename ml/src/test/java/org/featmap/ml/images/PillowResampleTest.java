package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;

/** AV7 and Pillow 12 outputs on pseudo-random images (fixtures/images/resample.json). */
class PillowResampleTest {

    @Test
    void av7SingleRowVectors() {
        assertArrayEquals(new int[] {128}, resizeRow(PillowResample.Filter.BILINEAR, 1, 0, 255));
        assertArrayEquals(new int[] {0, 64, 191, 255}, resizeRow(PillowResample.Filter.BILINEAR, 4, 0, 255));
        assertArrayEquals(new int[] {0, 53, 202, 255}, resizeRow(PillowResample.Filter.BICUBIC, 4, 0, 255));
        assertArrayEquals(new int[] {14, 133}, resizeRow(PillowResample.Filter.BILINEAR, 2, 10, 20, 200));
    }

    private static int[] resizeRow(PillowResample.Filter f, int outW, int... grey) {
        return FixtureRandom.greyRow(PillowResample.resize(FixtureRandom.row(grey), outW, 1, f));
    }

    @Test
    void bitExactWithPillowOnRandomImages() throws Exception {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/images/resample.json")) {
            cases = new ObjectMapper().readTree(in);
        }
        assertEquals(6, cases.size());
        for (JsonNode c : cases) {
            RgbImage src = FixtureRandom.image(
                    c.get("seed").asLong(), c.get("inW").asInt(), c.get("inH").asInt());
            assertEquals(c.get("inputSha256").asText(), Sha256.hex(src.rgb()), "input stream of seed " + c.get("seed"));
            PillowResample.Filter f =
                    PillowResample.Filter.valueOf(c.get("filter").asText().toUpperCase());
            RgbImage out = PillowResample.resize(
                    src, c.get("outW").asInt(), c.get("outH").asInt(), f);
            assertEquals(c.get("sha256").asText(), Sha256.hex(out.rgb()), "Pillow resize " + c);
        }
    }

    @Test
    void resizeCropComputesOnlyTheWindowWithTheSameBytes() {
        int[][] sizes = {{400, 300}, {300, 400}, {289, 500}, {288, 288}, {301, 301}, {100, 80}, {7, 500}, {1000, 17}};
        long seed = 7;
        for (int[] s : sizes) {
            RgbImage src = FixtureRandom.image(seed++, s[0], s[1]);
            for (int size : new int[] {288, 5, 1})
                assertArrayEquals(
                        ResizeCrop.centerCrop(ResizeCrop.resize(src, size), size)
                                .rgb(),
                        ResizeCrop.apply(src, size).rgb(),
                        s[0] + "x" + s[1] + " to " + size);
        }
        // windows of a resize with each pass alone, both, and neither
        RgbImage src = FixtureRandom.image(3, 40, 30);
        for (int[] o : new int[][] {{25, 30}, {40, 19}, {25, 19}, {40, 30}, {77, 61}})
            for (PillowResample.Filter f : PillowResample.Filter.values()) {
                RgbImage full = PillowResample.resize(src, o[0], o[1], f);
                int x0 = o[0] / 3, y0 = o[1] / 4, cw = o[0] / 2, ch = o[1] / 2;
                assertArrayEquals(
                        crop(full, x0, y0, cw, ch),
                        PillowResample.resizeWindow(src, o[0], o[1], f, x0, y0, cw, ch)
                                .rgb(),
                        o[0] + "x" + o[1] + " " + f);
            }
    }

    private static byte[] crop(RgbImage img, int x0, int y0, int cw, int ch) {
        byte[] out = new byte[cw * ch * 3];
        for (int y = 0; y < ch; y++)
            System.arraycopy(img.rgb(), ((y0 + y) * img.width() + x0) * 3, out, y * cw * 3, cw * 3);
        return out;
    }
}
