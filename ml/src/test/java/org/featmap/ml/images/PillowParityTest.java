package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte-for-byte comparison with Pillow outputs made by python/fixtures/images/make_image_fixtures.py. */
class PillowParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"in_landscape_400x300", "in_portrait_300x450", "in_small_200x150"})
    void resizeCropAndEveryDeterministicManipulationEqualPillow(String input) throws Exception {
        RgbImage src = Fixtures.image(input + ".png");
        RgbImage resized = ResizeCrop.apply(src, ResizeCrop.TARGET);
        assertImageEquals(Fixtures.image(input + "__resized.png"), resized, input + " resized");
        int checked = 0;
        for (Manipulation m : Manipulation.values()) {
            if (m.isRandom()) continue;
            RgbImage expected = Fixtures.image(input + "__" + m.fileName() + ".png");
            assertImageEquals(expected, m.apply(resized, 0L), input + " " + m.fileName());
            checked++;
        }
        assertEquals(11, checked);
    }

    static void assertImageEquals(RgbImage expected, RgbImage actual, String what) {
        assertEquals(expected.width(), actual.width(), what + " width");
        assertEquals(expected.height(), actual.height(), what + " height");
        int diff = 0;
        for (int i = 0; i < expected.rgb().length; i++) if (expected.rgb()[i] != actual.rgb()[i]) diff++;
        assertEquals(0, diff, what + ": bytes differing from Pillow");
        assertArrayEquals(expected.rgb(), actual.rgb(), what);
    }

    @Test
    void pngRoundTripIsLossless() throws Exception {
        RgbImage img = FixtureRandom.image(5, 37, 23);
        RgbImage back = ImageCodec.decode(ImageCodec.encode(img, ImageFormat.PNG));
        assertArrayEquals(img.rgb(), back.rgb());
    }
}
