package org.featmap.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.analysis.SvdMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
    @Test
    void quotesAndChecksWidth(@TempDir Path dir) throws Exception {
        Path f = CsvTable.write(
                dir.resolve("t/a.csv"), List.of("a", "b"), List.of(List.of("x,y", "say \"hi\""), List.of("1", "")));
        assertEquals("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n1,\n", Files.readString(f));
        assertThrows(
                IllegalArgumentException.class,
                () -> CsvTable.write(dir.resolve("b.csv"), List.of("a"), List.of(List.of("1", "2"))));
    }

    @Test
    void svdTableRow(@TempDir Path dir) throws Exception {
        List<String> row =
                new ArrayList<>(List.of("feat3", "convnext", "STANFORD_CARS_convnext_direct_grayscale_linear_feat3"));
        row.addAll(SvdMetrics.of(new double[] {3, 2, 1}).csvValues());
        Path f = CsvTable.write(dir.resolve("svd.csv"), SvdMetrics.tableHeader(), List.of(row));
        List<String> lines = Files.readAllLines(f);
        assertEquals(
                "feat_key,backbone,manipulation,rank,spectral_norm,frobenius_norm,rmse_from_one,near_one_pct,"
                        + "effective_rank,spectral_entropy,energy_concentration,top1_var,top5_var,top10_var",
                lines.get(0));
        assertEquals(2.2944007824137977, Double.parseDouble(lines.get(1).split(",")[8]), 1e-15);
    }
}
