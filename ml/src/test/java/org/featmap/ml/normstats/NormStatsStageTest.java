package org.featmap.ml.normstats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.featmap.core.contract.Progress;
import org.junit.jupiter.api.Test;

class NormStatsStageTest {
    /** Rows held in memory: manipulation + CHW map. */
    record MemRows(int channels, int height, int width, List<String> manips, List<float[]> maps)
            implements FeatureRows {
        public int rowCount() {
            return manips.size();
        }

        public String manipulation(int row) {
            return manips.get(row);
        }

        public void read(int row, float[] dst, int off) {
            System.arraycopy(maps.get(row), 0, dst, off, maps.get(row).length);
        }
    }

    @Test
    void av9() throws Exception {
        MemRows rows = new MemRows(
                1,
                1,
                2,
                List.of("resized", "grayscale", "resized", "resized"),
                List.of(new float[] {1, 2}, new float[] {100, 100}, new float[] {3, 4}, new float[] {5, 6}));
        NormStats s = NormStatsStage.compute(rows, "feat0", "STANFORD_CARS", Progress.NONE);
        assertEquals(3, s.n());
        assertEquals(3.5f, s.mean()[0]);
        assertEquals(1.8708297f, s.std()[0]);
        float[] x = {1f, 6f};
        s.normalize(x, 0, 1, 2);
        assertEquals(-1.3363055f, x[0]);
        s.denormalize(x, 0, 1, 2);
        assertArrayEquals(new float[] {1f, 6f}, x, 1e-6f);
    }

    @Test
    void selectionFollowsNumpyChoiceOverResizedRows() {
        // 300 rows: even rows are "resized" (R = 0,2,4,...); choice(150,150) with seed 42 → positions
        List<String> manips = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            manips.add(i % 2 == 0 ? "resized" : "mirror_h");
        }
        MemRows rows = new MemRows(1, 1, 1, manips, List.of());
        int[] sel = NormStatsStage.selectRows(rows);
        int[] pos = new org.featmap.ml.rng.NumpyDefaultRng(42).choiceWithoutReplacement(150, 150);
        assertEquals(150, sel.length);
        for (int i = 0; i < sel.length; i++) {
            assertEquals(2 * pos[i], sel[i]);
        }
    }

    @Test
    void noResizedRowIsAnError() {
        MemRows rows = new MemRows(1, 1, 1, List.of("grayscale"), List.of(new float[] {1}));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> NormStatsStage.compute(rows, "feat2", "CUB_200_2011", Progress.NONE));
        assertEquals("norm stats CUB_200_2011/feat2: no row with manipulation 'resized'", e.getMessage());
    }
}
