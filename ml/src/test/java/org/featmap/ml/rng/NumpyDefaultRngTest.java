package org.featmap.ml.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every numpy vector of spec AV13. */
class NumpyDefaultRngTest {
    @Test
    void seedSequenceState() {
        assertArrayEquals(
                new long[] {0x9f1e2e6dcd540ab7L, 0xd57873dc79fb94b6L, 0x7d282a1b64d420b7L, 0x336579714692d5ffL},
                NumpyDefaultRng.seedSequenceState(42));
    }

    @Test
    void firstOutputs() {
        NumpyDefaultRng r = new NumpyDefaultRng(42);
        assertEquals(0xc621fbcd16d92688L, r.nextLong());
        assertEquals(0x705a5661a791ffc1L, r.nextLong());
        assertEquals(0xdbcd12c26eda1624L, r.nextLong());
    }

    private static int[] choice(int n, int k) {
        return new NumpyDefaultRng(42).choiceWithoutReplacement(n, k);
    }

    @Test
    void choiceFloyd() {
        assertArrayEquals(new int[] {5, 3, 7, 0, 4}, choice(10, 5));
        int[] c = choice(8144, 8000);
        assertArrayEquals(new int[] {3871, 1989, 4490, 5132, 7146, 7116, 2094, 3852, 6437, 5896}, Arrays.copyOf(c, 10));
        assertArrayEquals(new int[] {2283, 2436, 5311}, Arrays.copyOfRange(c, 7997, 8000));
        assertArrayEquals(
                new int[] {1062, 1494, 2985, 267, 265, 1008, 1445, 1912, 689, 1770},
                Arrays.copyOf(choice(3000, 200), 10));
        assertArrayEquals(new int[] {96, 79, 77, 53, 71, 69}, Arrays.copyOf(choice(100, 100), 6));
    }

    @Test
    void choiceTailShuffle() {
        assertArrayEquals(
                new int[] {2164, 1584, 4076, 17576, 16014, 10165, 18276, 8028, 169, 2910},
                Arrays.copyOf(choice(20000, 8000), 10));
    }

    @Test
    void choiceIsAPermutationSubset() {
        int[] c = choice(8144, 8000);
        assertEquals(8000, Arrays.stream(c).distinct().count());
    }
}
