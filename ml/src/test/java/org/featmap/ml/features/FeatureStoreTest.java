package org.featmap.ml.features;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureStoreTest {
    static final int[] SHAPE = {3, 4, 5};
    static final String[] MANIPS = {"resized", "rotation_90", "grayscale"};

    static FeatureStoreSpec spec(FeatureDType d, FeatureCompression c, int perShard) {
        return new FeatureStoreSpec("convnext", "abc", "feat1", "demo", "train", "direct", SHAPE, d, c, perShard);
    }

    static SampleRow row(int i) {
        return new SampleRow(i, String.format("%05d", i / 3), i / 6, MANIPS[i % 3], "c/direct/" + i + ".jpg");
    }

    /** Deterministic feature of sample i, exactly representable in float16. */
    static float value(int i, int k) {
        return (float) (((i * 31 + k * 7) % 97) - 48) / 8f;
    }

    static ByteBuffer features(int from, int to, FeatureDType d) {
        int n = SHAPE[0] * SHAPE[1] * SHAPE[2];
        ByteBuffer b = ByteBuffer.allocate((to - from) * n * d.bytes).order(ByteOrder.LITTLE_ENDIAN);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] v = new float[(to - from) * n];
            for (int i = from; i < to; i++) for (int k = 0; k < n; k++) v[(i - from) * n + k] = value(i, k);
            NDArray a = m.create(v)
                    .toType(
                            d == FeatureDType.FLOAT16
                                    ? ai.djl.ndarray.types.DataType.FLOAT16
                                    : ai.djl.ndarray.types.DataType.FLOAT32,
                            false);
            b.put(a.toByteBuffer());
        }
        return b.flip();
    }

    static void write(FeatureStoreWriter w, int from, int to) throws IOException {
        List<SampleRow> rows = new ArrayList<>();
        for (int i = from; i < to; i++) rows.add(row(i));
        w.append(rows, features(from, to, w.spec().dtype()), to);
    }

    @ParameterizedTest
    @CsvSource({"FLOAT32,NONE", "FLOAT32,ZSTD", "FLOAT16,LZ4", "FLOAT16,ZSTD"})
    void roundTripsRowsAcrossShards(FeatureDType d, FeatureCompression c, @TempDir Path dir) throws IOException {
        try (FeatureStoreWriter w = FeatureStoreWriter.open(dir, spec(d, c, 7))) {
            for (int b = 0; b < 30; b += 4) write(w, b, Math.min(30, b + 4));
            assertEquals(30, w.finish());
        }
        try (FeatureStoreReader r = FeatureStoreReader.open(dir, 1000)) { // tiny cache: forces eviction
            assertEquals(30, r.size());
            assertEquals(5, r.width());
            Random rnd = new Random(1);
            for (int t = 0; t < 60; t++) {
                int i = rnd.nextInt(30);
                float[] f = r.readRow(i);
                for (int k = 0; k < f.length; k++) assertEquals(value(i, k), f[k], 0f);
                assertEquals(
                        row(i),
                        new SampleRow(r.sampleId(i), r.originalId(i), r.classId(i), r.manipulation(i), r.path(i)));
            }
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                NDArray a = r.readRows(m, new int[] {29, 0, 13});
                assertEquals(new Shape(3, 3, 4, 5), a.getShape());
                float[] flat = a.toFloatArray();
                assertEquals(value(29, 0), flat[0], 0f);
                assertEquals(value(13, 59), flat[179], 0f);
            }
        }
    }

    @Test
    void resumesAfterLastCompleteShardAndDropsPartialOne(@TempDir Path dir) throws IOException {
        FeatureStoreSpec s = spec(FeatureDType.FLOAT32, FeatureCompression.NONE, 10);
        try (FeatureStoreWriter w = FeatureStoreWriter.open(dir, s)) {
            write(w, 0, 8);
            write(w, 8, 16); // shard 0 complete (10 rows), shard 1 partial
            assertEquals(1, w.completeShards());
        } // crash: no finish()
        try (var l = Files.list(dir)) {
            assertTrue(l.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
        assertThrows(FeatureStoreException.class, () -> FeatureStoreReader.open(dir));
        try (FeatureStoreWriter w = FeatureStoreWriter.open(dir, s)) {
            assertEquals(10, w.nextSampleId());
            write(w, 10, 23);
            w.finish();
        }
        try (FeatureStoreReader r = FeatureStoreReader.open(dir)) {
            assertEquals(23, r.size());
            for (int i = 0; i < 23; i++) assertEquals(i, r.sampleId(i));
            assertEquals(value(15, 3), r.readRow(15)[3]);
        }
        FeatureStoreSpec other = spec(FeatureDType.FLOAT16, FeatureCompression.NONE, 10);
        FeatureStoreException e = assertThrows(FeatureStoreException.class, () -> FeatureStoreWriter.open(dir, other));
        assertTrue(e.getMessage().contains("config asks"), e.getMessage());
    }

    @Test
    void schemaMetadataDisagreeingWithStoreIsRejected(@TempDir Path dir) throws IOException {
        try (FeatureStoreWriter w =
                FeatureStoreWriter.open(dir, spec(FeatureDType.FLOAT32, FeatureCompression.NONE, 100))) {
            write(w, 0, 6);
            w.finish();
        }
        Path store = dir.resolve("store.json");
        Files.writeString(store, Files.readString(store).replace("\"float32\"", "\"float16\""));
        FeatureStoreException e = assertThrows(FeatureStoreException.class, () -> FeatureStoreReader.open(dir));
        assertTrue(e.getMessage().contains("disagrees with store.json"), e.getMessage());
    }

    @Test
    void pairIndexFollowsReferenceOrder() {
        // id b appears first; a duplicate (a, grayscale) row overwrites but keeps its first position
        List<String> ids = List.of("b", "b", "a", "a", "a", "c", "a", "b");
        List<String> man = List.of("rot", "resized", "grayscale", "resized", "mirror", "rot", "grayscale", "mask");
        PairIndex p = PairIndex.build(ids, man);
        assertArrayEquals(new int[] {1, 1, 3, 3}, p.originalRow());
        assertArrayEquals(new int[] {0, 7, 6, 4}, p.manipulatedRow());
        assertArrayEquals(new String[] {"rot", "mask", "grayscale", "mirror"}, p.manipulation());
        assertArrayEquals(new int[] {6}, p.filter("grayscale").manipulatedRow());
    }

    @Test
    void pairDatasetAndNpyExport(@TempDir Path dir) throws IOException {
        try (FeatureStoreWriter w =
                FeatureStoreWriter.open(dir.resolve("s"), spec(FeatureDType.FLOAT16, FeatureCompression.ZSTD, 5))) {
            write(w, 0, 12);
            w.finish();
        }
        try (FeatureStoreReader r = FeatureStoreReader.open(dir.resolve("s"));
                FeaturePairDataset pd = r.pairDataset("grayscale");
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertEquals(4, pd.size()); // ids 00000..00003 each have resized(3k) and grayscale(3k+2)
            float[] src = new float[60], tgt = new float[60];
            pd.read(1, src, 0, tgt, 0);
            assertEquals(value(3, 10), src[10]);
            assertEquals(value(5, 10), tgt[10]);
            assertEquals("00001", pd.originalId(1));
            NDList b = pd.readBatch(m, new int[] {3, 1});
            assertEquals(new Shape(2, 3, 4, 5), b.get(0).getShape());
            assertEquals(value(5, 59), b.get(1).toFloatArray()[119]);
            assertEquals(value(11, 0), b.get(1).toFloatArray()[0]);
            FeatureExport.toNpy(r, "feat1", dir.resolve("npy"));
        }
        byte[] npy = Files.readAllBytes(dir.resolve("npy/feat1.npy"));
        String header = new String(npy, 10, 118, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (12, 3, 4, 5)"), header);
        assertEquals(128 + 12 * 60 * 4, npy.length);
        ByteBuffer bb = ByteBuffer.wrap(npy, 128, npy.length - 128).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(value(0, 0), bb.getFloat(128));
        List<String> pairs = Files.readAllLines(dir.resolve("npy/pairs.csv"));
        assertEquals("o_idx,m_idx,manipulation", pairs.get(0));
        assertEquals("0,1,rotation_90", pairs.get(1));
        assertEquals(12, Files.readAllLines(dir.resolve("npy/meta.jsonl")).size());
    }
}
