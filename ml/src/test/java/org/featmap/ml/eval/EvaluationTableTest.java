package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTableTest {
    @Test
    void roundTripsRowsWithEmptyMetricsAsNull(@TempDir Path tmp) throws IOException {
        EvaluationRow a = new EvaluationRow(
                "linear",
                "SYNTH",
                "feat3",
                "id/1",
                "grayscale",
                "o.jpg",
                "m.jpg",
                "",
                "id_1_grayscale.png",
                new EvaluationRow.Metrics(12.5, 0.75, Double.NaN, 0.5, 0.25),
                new EvaluationRow.Metrics(3, 0.9, Double.NaN, 0.8, 0.0));
        EvaluationRow b = new EvaluationRow(
                "cnn",
                "SYNTH",
                "feat3",
                "ü",
                "rotation_90",
                "o2.jpg",
                "m2.jpg",
                "",
                "x.png",
                new EvaluationRow.Metrics(1, 2, 3, 4, 5),
                new EvaluationRow.Metrics(6, 7, 8, Double.NaN, Double.NaN));
        Path f = tmp.resolve("evaluation.arrow");
        EvaluationTable.write(f, List.of(a, b));
        List<List<String>> back = EvaluationTable.readCells(f);
        assertEquals(List.of(a.cells(), b.cells()), back);
        EvaluationTable.write(f, List.of());
        assertEquals(0, EvaluationTable.readCells(f).size());
    }
}
