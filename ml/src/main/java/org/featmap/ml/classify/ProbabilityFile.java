package org.featmap.ml.classify;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One class-probability set of spec §8.2 as an Arrow IPC file (the Java form of the reference's
 * {@code probs_*.pt}): columns {@code row} int32 (pair index within the manipulation, row-aligned across
 * the orig/edit/mapped sets), {@code target} int32 (class id), {@code probs} FixedSizeList&lt;float32&gt;[K]
 * (softmax). Schema metadata {@code featmap.*} says which set, layer, manipulation and mode it is.
 */
public final class ProbabilityFile {
    private ProbabilityFile() {}

    /** The contents: n rows, K classes, probabilities row-major (n·K). */
    public record Probs(int[] rows, int[] targets, float[] probs, int numClasses, Map<String, String> metadata) {
        public int size() {
            return rows.length;
        }

        public float prob(int i, int c) {
            return probs[i * numClasses + c];
        }
    }

    public static void write(Path file, int[] rows, int[] targets, float[] probs, int k, Map<String, String> metadata)
            throws IOException {
        int n = rows.length;
        if (targets.length != n || probs.length != (long) n * k)
            throw new IllegalArgumentException(file + ": " + n + " rows, " + targets.length + " targets, "
                    + probs.length + " probabilities for K=" + k);
        Field row = new Field("row", FieldType.notNullable(new ArrowType.Int(32, true)), null);
        Field target = new Field("target", FieldType.notNullable(new ArrowType.Int(32, true)), null);
        Field item = new Field(
                "item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        Field probsField = new Field("probs", FieldType.notNullable(new ArrowType.FixedSizeList(k)), List.of(item));
        Schema schema = new Schema(List.of(row, target, probsField), metadata);
        try (BufferAllocator alloc = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
            IntVector rv = (IntVector) root.getVector("row");
            IntVector tv = (IntVector) root.getVector("target");
            FixedSizeListVector pv = (FixedSizeListVector) root.getVector("probs");
            rv.allocateNew(n);
            tv.allocateNew(n);
            pv.setInitialCapacity(n);
            pv.allocateNew();
            Float4Vector values = (Float4Vector) pv.getDataVector();
            values.allocateNew(n * k);
            for (int i = 0; i < n; i++) {
                rv.set(i, rows[i]);
                tv.set(i, targets[i]);
                pv.setNotNull(i);
                for (int c = 0; c < k; c++) values.set(i * k + c, probs[i * k + c]);
            }
            values.setValueCount(n * k);
            rv.setValueCount(n);
            tv.setValueCount(n);
            pv.setValueCount(n);
            root.setRowCount(n);
            org.featmap.ml.ArrowFiles.writeOneBatch(root, file);
        }
    }

    public static Probs read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": probability file missing");
        try (BufferAllocator alloc = new RootAllocator();
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader r = new ArrowFileReader(ch, alloc)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            Schema schema = root.getSchema();
            Field pf = schema.findField("probs");
            if (schema.getFields().size() != 3 || !(pf.getType() instanceof ArrowType.FixedSizeList fl))
                throw new IllegalArgumentException(file + ": columns "
                        + schema.getFields().stream().map(Field::getName).toList()
                        + ", expected row, target, probs (FixedSizeList<float32>)");
            int k = fl.getListSize();
            int total = 0;
            java.util.List<int[]> rs = new java.util.ArrayList<>(), ts = new java.util.ArrayList<>();
            java.util.List<float[]> ps = new java.util.ArrayList<>();
            while (r.loadNextBatch()) {
                int n = root.getRowCount();
                IntVector rv = (IntVector) root.getVector("row");
                IntVector tv = (IntVector) root.getVector("target");
                Float4Vector values = (Float4Vector) ((FixedSizeListVector) root.getVector("probs")).getDataVector();
                int[] a = new int[n], t = new int[n];
                float[] p = new float[n * k];
                for (int i = 0; i < n; i++) {
                    a[i] = rv.get(i);
                    t[i] = tv.get(i);
                }
                for (int i = 0; i < n * k; i++) p[i] = values.get(i);
                rs.add(a);
                ts.add(t);
                ps.add(p);
                total += n;
            }
            if (total == 0) throw new IllegalArgumentException(file + ": probability file has no rows");
            int[] rows = new int[total], targets = new int[total];
            float[] probs = new float[total * k];
            int off = 0;
            for (int b = 0; b < rs.size(); b++) {
                int n = rs.get(b).length;
                System.arraycopy(rs.get(b), 0, rows, off, n);
                System.arraycopy(ts.get(b), 0, targets, off, n);
                System.arraycopy(ps.get(b), 0, probs, off * k, n * k);
                off += n;
            }
            return new Probs(rows, targets, probs, k, schema.getCustomMetadata());
        }
    }
}
