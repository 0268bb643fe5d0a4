package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code featmap ingest}: the layout, a re-run that changes nothing, a progress bar, one-line errors (exit 2). */
class IngestCommandsTest {
    static final Path FIXTURES = Path.of("..", "ml", "src", "test", "resources", "fixtures", "ingest")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path tmp;

    @Test
    void ingestsTwiceAndTheSecondTimeWritesNothing() {
        String out = tmp.resolve("CUB_200_2011").toString();
        PreflightTest.Captured r = PreflightTest.capture(
                "ingest", "cub", "--from", FIXTURES.resolve("cub").toString(), "--out", out);
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("CUB_200_2011: 6 train and 6 test images of 3 classes"), r.out());
        assertTrue(r.out().contains("12 written, 0 already in place (copy)"), r.out());
        assertTrue(r.err().contains("ingest [##############################] 12/12"), "progress: " + r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("CUB_200_2011/images/train/001.Black_footed_Albatross/00001.jpg")));
        PreflightTest.Captured again = PreflightTest.capture(
                "ingest", "cub", "--from", FIXTURES.resolve("cub").toString(), "--out", out);
        assertTrue(again.out().contains("0 written, 12 already in place"), again.out());

        PreflightTest.Captured cars = PreflightTest.capture(
                "ingest",
                "cars",
                "--from",
                FIXTURES.resolve("cars_devkit").toString(),
                "--out",
                tmp.resolve("CARS").toString(),
                "--link",
                "symlink");
        assertEquals(0, cars.rc(), cars.err());
        assertTrue(Files.isSymbolicLink(tmp.resolve("CARS/images/test/003.Ram_C_V_Cargo_Van_Minivan_2012/00007.jpg")));
    }

    @Test
    void aMissingDownloadFileIsOneLineWithExitTwo() {
        PreflightTest.Captured r = PreflightTest.capture(
                "ingest",
                "cub",
                "--from",
                tmp.toString(),
                "--out",
                tmp.resolve("o").toString());
        assertEquals(2, r.rc(), r.err());
        assertEquals(
                "featmap: " + tmp.resolve("images.txt")
                        + ": missing (give the CUB_200_2011 folder of CUB_200_2011.tgz, which holds"
                        + " images.txt, image_class_labels.txt, train_test_split.txt, classes.txt and images/)",
                r.err().strip());
        PreflightTest.Captured bad = PreflightTest.capture(
                "ingest",
                "cars",
                "--from",
                FIXTURES.resolve("cars_csv").toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--link",
                "rsync");
        assertEquals(2, bad.rc());
        assertEquals(
                "featmap: 'rsync' is not a link mode; allowed: copy, symlink, hardlink",
                bad.err().strip());
    }
}
