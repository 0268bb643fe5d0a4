package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetIngestTest {

    private static Path touch(Path root, String rel) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[] {1});
    }

    @Test
    void idRule() {
        assertEquals("00042", DatasetIngest.imageId("00042.jpg"));
        assertEquals("0042", DatasetIngest.imageId("Black_Footed_Albatross_0042.JPG"));
        assertNull(DatasetIngest.imageId("cat.jpg"));
        assertNull(DatasetIngest.imageId("12a.jpg"));
    }

    @Test
    void classOrderAndLimit() {
        assertEquals(
                List.of("2.b", "010.a", "10b", "alpha", "zeta"),
                DatasetIngest.orderClasses(List.of("zeta", "10b", "010.a", "alpha", "2.b")));
    }

    @Test
    void scansLayoutSkipsNonImagesAndLimitsClassesPerSplit(@TempDir Path root) throws Exception {
        touch(root, "images/train/002.b/00003.jpg");
        touch(root, "images/train/001.a/00001.jpg");
        touch(root, "images/train/001.a/00002.PNG");
        touch(root, "images/train/001.a/notes.txt");
        touch(root, "images/train/003.c/00009.jpg");
        touch(root, "images/test/001.a/00004.jpg");
        DatasetIngest.Dataset ds = DatasetIngest.scan(root, 2, true);
        DatasetIngest.Split train = ds.split("train");
        assertEquals(List.of("001.a", "002.b"), train.classes());
        assertEquals(
                List.of("00001", "00002", "00003"),
                train.images().stream().map(SourceImage::id).toList());
        assertEquals(1, train.skipped().size());
        assertEquals(
                List.of("00004"),
                ds.split("test").images().stream().map(SourceImage::id).toList());
    }

    @Test
    void duplicateIdsAcrossSplitsNameBothFiles(@TempDir Path root) throws Exception {
        Path a = touch(root, "images/train/001.a/00007.jpg");
        Path b = touch(root, "images/test/005.e/img_00007.jpg");
        var e = assertThrows(IllegalArgumentException.class, () -> DatasetIngest.scan(root, -1, true));
        assertTrue(
                e.getMessage().contains("'00007'")
                        && e.getMessage().contains(a.toString())
                        && e.getMessage().contains(b.toString()),
                e.getMessage());
    }

    @Test
    void nonNumericIdsNameTheFile(@TempDir Path root) throws Exception {
        Path bad = touch(root, "images/train/001.a/cat.jpg");
        var e = assertThrows(IllegalArgumentException.class, () -> DatasetIngest.scan(root, -1, true));
        assertTrue(
                e.getMessage().startsWith(bad.toString() + ": ")
                        && e.getMessage().contains("numeric id"),
                e.getMessage());
        assertEquals(
                "cat",
                DatasetIngest.scan(root, -1, false)
                        .split("train")
                        .images()
                        .get(0)
                        .id());
    }

    @Test
    void missingFolderIsOneLine(@TempDir Path root) {
        var e = assertThrows(java.io.IOException.class, () -> DatasetIngest.scan(root.resolve("nope"), -1, true));
        assertTrue(e.getMessage().contains("nope") && !e.getMessage().contains("\n"));
    }
}
