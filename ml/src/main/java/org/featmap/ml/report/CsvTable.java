package org.featmap.ml.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the stage tables (evaluations_<backbone>.csv, metrics_<DATASET>_all.csv, wxb_metrics,
 * svd_table, singular values) as RFC 4180 CSV: comma separated, cells with comma, quote or newline
 * quoted, header first. Rows are checked against the header width.
 */
public final class CsvTable {
    private CsvTable() {}

    public static Path write(Path file, List<String> header, List<? extends List<String>> rows) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(line(header));
            int i = 0;
            for (List<String> row : rows) {
                if (row.size() != header.size())
                    throw new IllegalArgumentException(
                            file + ": row " + i + " has " + row.size() + " cells, header has " + header.size());
                w.write(line(row));
                i++;
            }
        }
        return file;
    }

    static String line(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) b.append(',');
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0)
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            else b.append(c);
        }
        return b.append('\n').toString();
    }
}
