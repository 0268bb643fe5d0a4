package org.featmap.ml.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every torch vector of spec AV13. */
class TorchRandpermTest {
    @Test
    void firstOutputs() {
        TorchRandperm.Mt19937 mt = new TorchRandperm.Mt19937(42);
        assertEquals(1608637542L, mt.nextInt() & 0xFFFFFFFFL);
        assertEquals(3421126067L, mt.nextInt() & 0xFFFFFFFFL);
        assertEquals(4083286876L, mt.nextInt() & 0xFFFFFFFFL);
    }

    @Test
    void randperm() {
        assertArrayEquals(new int[] {2, 6, 1, 8, 4, 5, 0, 9, 3, 7}, TorchRandperm.randperm(10, 42));
        int[] p = TorchRandperm.randperm(8000, 42);
        assertArrayEquals(new int[] {5542, 1762, 3954, 5968, 6758, 1615, 4484, 915, 5718, 1738}, Arrays.copyOf(p, 10));
        assertArrayEquals(new int[] {2653, 7135, 5464, 7841, 6143}, Arrays.copyOfRange(p, 7600, 7605));
    }
}
