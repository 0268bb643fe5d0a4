package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationRowTest {
    @Test
    void columnOrderAndEmptyCellsForMissingMetrics() {
        EvaluationRow.Metrics a = new EvaluationRow.Metrics(1.5, 0.5, Double.NaN, 0.25, 0.0);
        EvaluationRow r = new EvaluationRow(
                "linear", "STANFORD_CARS", "feat3", "00042", "grayscale", "o.jpg", "m.jpg", "r.png", "f.png", a, a);
        assertEquals(19, EvaluationRow.COLUMNS.size());
        assertEquals(EvaluationRow.COLUMNS.size(), r.cells().size());
        assertEquals("target_vs_mapped_LPIPS", EvaluationRow.COLUMNS.get(11));
        assertEquals("", r.cells().get(11));
        assertEquals(1.5, Double.parseDouble(r.cells().get(9)));
        assertEquals("car_s_x", EvaluationRow.safeFileName("car's x"));
        assertEquals(
                "00042_Change_body_color_blue.png", EvaluationRow.safeFileName("00042_Change_body_color_blue.png"));
    }
}
