package org.featmap.ml.rng;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResumableSplitMixTest {
    @Test
    void drawsTheSameStreamAsTheJdksSplittableRandom() {
        for (long seed : new long[] {0, 42, -7, Long.MAX_VALUE}) {
            SplittableRandom jdk = new SplittableRandom(seed);
            ResumableSplitMix ours = new ResumableSplitMix(seed);
            for (int i = 0; i < 200_000; i++) {
                switch (i % 5) {
                    case 0 -> assertEquals(jdk.nextDouble(), ours.nextDouble(), "draw " + i);
                    case 1 ->
                        assertEquals(
                                jdk.nextInt(i % 977 + 1),
                                ours.nextInt(i % 977 + 1),
                                "draw " + i); // odd and even bounds
                    case 2 ->
                        assertEquals(
                                jdk.nextInt(1 << (i % 31)), ours.nextInt(1 << (i % 31)), "draw " + i); // powers of two
                    case 3 -> assertEquals(jdk.nextLong(), ours.nextLong(), "draw " + i);
                    default ->
                        assertEquals(
                                jdk.nextInt(Integer.MAX_VALUE - i),
                                ours.nextInt(Integer.MAX_VALUE - i),
                                "draw " + i); // rejections
                }
            }
        }
    }

    @Test
    void aGeneratorRebuiltFromItsStateContinuesTheStream() {
        ResumableSplitMix a = new ResumableSplitMix(42);
        for (int i = 0; i < 1000; i++) a.nextInt(17);
        ResumableSplitMix b = new ResumableSplitMix(a.state());
        for (int i = 0; i < 1000; i++) assertEquals(a.nextDouble(), b.nextDouble());
    }
}
