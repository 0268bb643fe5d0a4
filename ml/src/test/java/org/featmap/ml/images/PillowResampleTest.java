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
}
