package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

    @Test
    void seededNoiseIsReproducibleAndDependsOnEveryKeyPart() {
        RgbImage img = FixtureRandom.image(4, 288, 288);
        long s = GaussianNoise.seed("CUB_200_2011", "train", "00042", "noise_40");
        assertArrayEquals(
                Manipulation.NOISE_40.apply(img, s).rgb(),
                Manipulation.NOISE_40.apply(img, s).rgb());
        assertNotEquals(s, GaussianNoise.seed("CUB_200_2011", "test", "00042", "noise_40"));
        assertNotEquals(s, GaussianNoise.seed("CUB_200_2011", "train", "00043", "noise_40"));
        assertNotEquals(s, GaussianNoise.seed("STANFORD_CARS", "train", "00042", "noise_40"));
        long s2 = GaussianNoise.seed("CUB_200_2011", "train", "00043", "noise_40");
        assertFalse(Arrays.equals(
                Manipulation.NOISE_40.apply(img, s).rgb(),
                Manipulation.NOISE_40.apply(img, s2).rgb()));
    }

    @Test
    void noiseOnMidGreyHasTruncatedGaussianStatistics() {
        RgbImage grey = RgbImage.blank(288, 288);
        Arrays.fill(grey.rgb(), (byte) 128); // 128 ± 40 rarely clips (3.2 sd)
        byte[] out = GaussianNoise.apply(grey, 40.0, 12345L).rgb();
        double sum = 0, sq = 0;
        for (byte b : out) {
            double d = (b & 0xFF) - 128;
            sum += d;
            sq += d * d;
        }
        int n = out.length;
        double mean = sum / n;
        double sd = Math.sqrt(sq / n - mean * mean);
        // trunc toward zero shrinks |x| by ~0.5 on average: E[trunc]=0, sd ≈ sqrt(40² - 40·E|frac| stuff) ≈ 39.5
        assertEquals(0.0, mean, 0.2, "mean");
        assertEquals(39.5, sd, 0.4, "sd");
        // truncation toward zero: the value 0 occurs about twice as often as ±1 (interval (-1,1) vs [1,2))
        int zeros = 0, ones = 0;
        for (byte b : out) {
            if ((b & 0xFF) == 128) zeros++;
            if ((b & 0xFF) == 129) ones++;
        }
        assertEquals(2.0, zeros / (double) ones, 0.15);
    }
}
