package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestSelectionTest {
    /** numpy default_rng(42).choice(10, 5, replace=False) = [5, 3, 7, 0, 4] (spec AV13). */
    private static final TestSelection.Chooser NUMPY_10_5 = (n, k) -> {
        if (n != 10 || k != 5) throw new AssertionError("unexpected draw " + n + "," + k);
        return new int[] {5, 3, 7, 0, 4};
    };

    @Test
    void sortsDedupesThenDraws() {
        // one backbone: all meta rows, with duplicates and in file order (B12)
        List<String> ids = List.of("09", "03", "00", "07", "03", "01", "05", "02", "08", "06", "04", "00", "09");
        TestSelection.Selection s = TestSelection.select(ids, 5, NUMPY_10_5);
        assertEquals(10, s.candidates());
        assertEquals(List.of("05", "03", "07", "00", "04"), s.ids());
    }

    @Test
    void twoBackbonesUseTheIntersection() {
        List<String> a = List.of("a", "b", "c", "d");
        List<String> b = List.of("d", "c", "x");
        TestSelection.Selection s = TestSelection.select(List.of(a, b), 100, (n, k) -> {
            assertEquals(2, n);
            assertEquals(2, k);
            return new int[] {1, 0};
        });
        assertEquals(List.of("d", "c"), s.ids());
    }

    @Test
    void filterKeepsPairOrderAndRejectsBadChooser() {
        assertArrayEquals(
                new int[] {0, 2, 3}, TestSelection.filterPairs(List.of("b", "a", "b", "c"), Set.of("b", "c")));
        assertThrows(
                IllegalStateException.class,
                () -> TestSelection.select(List.of("a", "b"), 2, (n, k) -> new int[] {0, 0}));
    }
}
