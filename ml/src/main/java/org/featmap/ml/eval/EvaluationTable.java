package org.featmap.ml.eval;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The evaluation rows as an Arrow IPC file (evaluation.arrow, issue #6 item 5) with the columns of
 * {@link EvaluationRow#COLUMNS}: the nine identifying columns as utf8, the ten metrics as float64 where
 * a metric that was not computed is null (the CSV's empty cell), never 0.
 */
public final class EvaluationTable {
    static final int TEXT_COLUMNS = 9;

    private EvaluationTable() {}

    public static void write(Path file, List<EvaluationRow> rows) throws IOException {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < EvaluationRow.COLUMNS.size(); i++)
            fields.add(new Field(
                    EvaluationRow.COLUMNS.get(i),
                    i < TEXT_COLUMNS
                            ? FieldType.notNullable(new ArrowType.Utf8())
                            : FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                    null));
        int n = rows.size();
        try (BufferAllocator alloc = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), alloc)) {
            root.allocateNew();
            for (int r = 0; r < n; r++) {
                EvaluationRow row = rows.get(r);
                List<String> text = row.cells().subList(0, TEXT_COLUMNS);
                double[] metrics = metrics(row);
                for (int c = 0; c < fields.size(); c++) {
                    if (c < TEXT_COLUMNS) {
                        ((VarCharVector) root.getVector(c))
                                .setSafe(r, text.get(c).getBytes(StandardCharsets.UTF_8));
                    } else {
                        Float8Vector v = (Float8Vector) root.getVector(c);
                        double x = metrics[c - TEXT_COLUMNS];
                        if (Double.isNaN(x)) v.setNull(r);
                        else v.setSafe(r, x);
                    }
                }
            }
            for (int c = 0; c < fields.size(); c++) root.getVector(c).setValueCount(n);
            root.setRowCount(n);
            org.featmap.ml.ArrowFiles.writeOneBatch(root, file);
        }
    }

    static double[] metrics(EvaluationRow r) {
        EvaluationRow.Metrics a = r.targetVsMapped(), b = r.targetReconstructedVsMapped();
        return new double[] {
            a.mse(),
            a.ssim(),
            a.lpips(),
            a.medianCosSim(),
            a.maskedMedianCosSim(),
            b.mse(),
            b.ssim(),
            b.lpips(),
            b.medianCosSim(),
            b.maskedMedianCosSim()
        };
    }

    /** Reads the file back as rows of strings (metric cells as the CSV writes them; null → ""). */
    public static List<List<String>> readCells(Path file) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (BufferAllocator alloc = new RootAllocator();
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader rd = new ArrowFileReader(ch, alloc)) {
            VectorSchemaRoot root = rd.getVectorSchemaRoot();
            while (rd.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<String> row = new ArrayList<>();
                    for (int c = 0; c < root.getFieldVectors().size(); c++) {
                        Object o = root.getVector(c).getObject(r);
                        if (o == null) row.add("");
                        else if (o instanceof Double d) row.add(String.format(java.util.Locale.ROOT, "%.17g", d));
                        else row.add(o.toString());
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
