package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.SplittableRandom;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

/** Spec §8.1 train augmentation: RandAugment → flip → RandomResizedCrop, one seeded stream. */
class TrainAugmentTest {
    private static RgbImage pattern(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    px[(y * w + x) * 3 + c] = (byte) (20 + (x * 7 + y * 3 + c * 50 + ((x / 5 + y / 4) % 2) * 90) % 210);
        return new RgbImage(w, h, px);
    }

    @Test
    void fixedSeedIsDeterministicAndRandAugmentIsOnByDefault() {
        RgbImage img = pattern(61, 45);
        TrainAugment aug = new TrainAugment(24);
        assertTrue(aug.randAugment());
        assertFalse(new TrainAugment(24, false).randAugment());
        for (long seed = 0; seed < 20; seed++) {
            RgbImage a = aug.apply(img, new SplittableRandom(seed));
            assertEquals(24, a.width());
            assertEquals(24, a.height());
            assertArrayEquals(
                    a.rgb(), aug.apply(img, new SplittableRandom(seed)).rgb(), "seed " + seed);
        }
    }

    @Test
    void randAugmentDrawsComeFirstThenFlipAndCropFromTheSameStream() {
        RgbImage img = pattern(50, 38);
        TrainAugment on = new TrainAugment(20), off = new TrainAugment(20, false);
        RandAugment ra = RandAugment.reference();
        EnumSet<RandAugment.Op> seen = EnumSet.noneOf(RandAugment.Op.class);
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom manual = new SplittableRandom(seed), peek = new SplittableRandom(seed);
            seen.add(ra.draw(img.width(), img.height(), peek).op());
            RgbImage expected = off.apply(ra.apply(img, manual), manual);
            RgbImage got = on.apply(img, new SplittableRandom(seed));
            assertArrayEquals(expected.rgb(), got.rgb(), "seed " + seed);
        }
        assertEquals(EnumSet.allOf(RandAugment.Op.class), seen, "300 draws should hit all 14 ops");
    }
}
