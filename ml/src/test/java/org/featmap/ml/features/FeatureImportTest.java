package org.featmap.ml.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue #16 item 5: features import is the inverse of features export (npy + meta.jsonl + pairs.csv + features.json). */
class FeatureImportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"FLOAT32,NONE,5", "FLOAT16,ZSTD,4"})
    void exportThenImportGivesTheSameStore(FeatureDType dtype, FeatureCompression c, int perShard) throws Exception {
        try (FeatureStoreWriter w =
                FeatureStoreWriter.open(dir.resolve("a"), FeatureStoreTest.spec(dtype, c, perShard))) {
            FeatureStoreTest.write(w, 0, 12);
            w.finish();
        }
        try (FeatureStoreReader r = FeatureStoreReader.open(dir.resolve("a"))) {
            FeatureExport.toNpy(r, "feat1", dir.resolve("npy"));
        }
        FeatureImport.Result res = FeatureImport.run(
                dir.resolve("npy"),
                dir.resolve("b"),
                new FeatureImport.Options(null, null, null, null, null, null, null, null, null, 0));
        assertEquals(12, res.rows());
        assertEquals(8, res.pairs(), "4 ids x (rotation_90, grayscale)");
        try (FeatureStoreReader a = FeatureStoreReader.open(dir.resolve("a"));
                FeatureStoreReader b = FeatureStoreReader.open(dir.resolve("b"))) {
            assertEquals(
                    a.info().identity(),
                    b.info().identity(),
                    "backbone, weights, layer, dataset, split, source, shape, dtype, compression");
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.sampleId(i), b.sampleId(i));
                assertEquals(a.originalId(i), b.originalId(i));
                assertEquals(a.classId(i), b.classId(i));
                assertEquals(a.manipulation(i), b.manipulation(i));
                assertEquals(a.path(i), b.path(i));
                assertArrayEquals(a.readRow(i), b.readRow(i), "row " + i + " bit for bit");
            }
            assertArrayEquals(a.pairs().originalRow(), b.pairs().originalRow());
            assertArrayEquals(a.pairs().manipulatedRow(), b.pairs().manipulatedRow());
        }
    }

    @Test
    void inconsistentFilesAreRefusedNamingFileAndLine() throws Exception {
        try (FeatureStoreWriter w = FeatureStoreWriter.open(
                dir.resolve("a"), FeatureStoreTest.spec(FeatureDType.FLOAT32, FeatureCompression.NONE, 100))) {
            FeatureStoreTest.write(w, 0, 6);
            w.finish();
        }
        FeatureExport.toNpy(dir.resolve("a"), "feat1", dir.resolve("npy"));
        FeatureImport.Options o = new FeatureImport.Options(null, "bb", null, "feat1", null, null, null, null, null, 0);
        Path pairs = dir.resolve("npy/pairs.csv");
        String good = Files.readString(pairs);
        Files.writeString(pairs, good.replace("0,1,rotation_90", "0,2,rotation_90"));
        IOException e =
                assertThrows(IOException.class, () -> FeatureImport.run(dir.resolve("npy"), dir.resolve("b"), o));
        assertTrue(
                e.getMessage()
                        .startsWith(pairs + ":2: '0,2,rotation_90' is not pair 0 of meta.jsonl (0,1,rotation_90)"),
                e.getMessage());
        Files.writeString(pairs, good);
        Path meta = dir.resolve("npy/meta.jsonl");
        Files.writeString(meta, Files.readString(meta).lines().limit(5).reduce("", (x, y) -> x + y + "\n"));
        e = assertThrows(IOException.class, () -> FeatureImport.run(dir.resolve("npy"), dir.resolve("c"), o));
        assertEquals(meta + ": 5 rows, the .npy has 6", e.getMessage());
        Files.writeString(meta, "{\"original_id\": \"1\"}\n");
        e = assertThrows(IOException.class, () -> FeatureImport.run(dir.resolve("npy"), dir.resolve("d"), o));
        assertTrue(e.getMessage().startsWith(meta + ":1: no 'manipulation'"), e.getMessage());
    }
}
