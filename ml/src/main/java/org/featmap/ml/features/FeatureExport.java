package org.featmap.ml.features;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a feature store in the reference's numpy-readable form (spec §3.5) so numpy users can read
 * our features: {@code <key>.npy} (N,C,H,W) float32 C-order, {@code meta.jsonl} (one object per
 * row: original_id, manipulation, path, row_idx, class_id) and {@code pairs.csv} (o_idx,m_idx,manipulation), plus
 * {@code features.json} (the store's identity: backbone, weights, layer, dataset, split, source, dtype) so that
 * {@link FeatureImport} gives the same store back.
 */
public final class FeatureExport {
    private FeatureExport() {}

    /** The store identity written beside the arrays. */
    public static final String INFO = "features.json";

    /** Exports the store at {@code storeDir} as {@code outDir/<key>.npy}, meta.jsonl and pairs.csv. */
    public static void toNpy(Path storeDir, String key, Path outDir) throws IOException {
        try (FeatureStoreReader r = FeatureStoreReader.open(storeDir)) {
            toNpy(r, key, outDir);
        }
    }

    public static void toNpy(FeatureStoreReader r, String key, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        int n = r.size(), c = r.channels(), h = r.height(), w = r.width();
        Path npy = outDir.resolve(key + ".npy");
        org.featmap.ml.AtomicFiles.write(npy, out -> {
            out.write(npyHeader("<f4", new long[] {n, c, h, w}));
            float[] row = new float[c * h * w];
            ByteBuffer bb = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                r.readRow(i, row, 0);
                bb.clear();
                bb.asFloatBuffer().put(row);
                out.write(bb.array());
            }
        });
        try (BufferedWriter meta = Files.newBufferedWriter(outDir.resolve("meta.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                ObjectNode o = StoreFiles.JSON.createObjectNode();
                o.put("original_id", r.originalId(i));
                o.put("manipulation", r.manipulation(i));
                o.put("path", r.path(i));
                o.put("row_idx", i);
                o.put("class_id", r.classId(i));
                o.put("sample_id", r.sampleId(i));
                meta.write(StoreFiles.JSON.writeValueAsString(o));
                meta.write('\n');
            }
        }
        StoreFiles.StoreInfo si = r.info();
        ObjectNode info = StoreFiles.JSON.createObjectNode();
        info.put("backbone", si.backbone());
        info.put("weights_sha256", si.weightsSha256());
        info.put("layer", si.layer());
        info.put("dataset", si.dataset());
        info.put("split", si.split());
        info.put("source", si.source());
        info.put("dtype", si.dtype());
        info.put("compression", si.compression());
        info.put("rows", si.rows());
        info.put("key", key);
        StoreFiles.writeAtomically(outDir.resolve(INFO), info);
        PairIndex p = r.pairs();
        try (BufferedWriter csv = Files.newBufferedWriter(outDir.resolve("pairs.csv"), StandardCharsets.UTF_8)) {
            csv.write("o_idx,m_idx,manipulation\n");
            for (int i = 0; i < p.size(); i++)
                csv.write(
                        p.originalRow()[i] + "," + p.manipulatedRow()[i] + "," + csvField(p.manipulation()[i]) + "\n");
        }
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** NPY format 1.0 header, padded so the data starts at a multiple of 64 bytes. */
    static byte[] npyHeader(String descr, long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (long d : shape) sb.append(d).append(", ");
        if (shape.length > 1) sb.setLength(sb.length() - 2);
        sb.append(")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sb + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
