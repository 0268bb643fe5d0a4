package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.featmap.ml.rng.NumpyDefaultRng;
import org.featmap.ml.rng.TorchRandperm;
import org.junit.jupiter.api.Test;

class DataSplitTest {
    @Test
    void subsetThenSplitAsSpec62() {
        DataSplit s = DataSplit.of(8144, 8000, 0.05);
        assertEquals(7600, s.train().length);
        assertEquals(400, s.val().length);
        int[] subset = new NumpyDefaultRng(42).choiceWithoutReplacement(8144, 8000);
        // AV13: randperm(8000)[0] = 5542, [7600] = 2653
        assertEquals(subset[5542], s.train()[0]);
        assertEquals(subset[2653], s.val()[0]);
        assertEquals(8000, Arrays.stream(s.train()).distinct().count() + s.val().length);
    }

    @Test
    void carsQwenSizes() {
        DataSplit s = DataSplit.of(1960, 8000, 0.05);
        assertEquals(1862, s.train().length);
        assertEquals(98, s.val().length);
        int[] subset = new NumpyDefaultRng(42).choiceWithoutReplacement(1960, 1960);
        int[] perm = TorchRandperm.randperm(1960, 42);
        assertArrayEquals(new int[] {subset[perm[0]], subset[perm[1]]}, Arrays.copyOf(s.train(), 2));
    }
}
