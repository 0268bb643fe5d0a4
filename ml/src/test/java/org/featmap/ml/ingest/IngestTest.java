package org.featmap.ml.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.featmap.ml.images.DatasetIngest;
import org.featmap.ml.images.SourceImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16 item 1: the official downloads (small copies in their real formats, written by
 * python/fixtures/ingest/make_ingest_fixtures.py) become the layout the ingest reads, with unique numeric ids,
 * the official split, the class names; idempotent; errors name the file.
 */
class IngestTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) throws Exception {
        return Path.of(IngestTest.class.getResource("/fixtures/ingest/" + name).toURI());
    }

    @Test
    void cubKeepsOfficialIdsSplitAndClassFolders() throws Exception {
        IngestPlan p = CubDownload.read(fixture("cub")); // the parent of CUB_200_2011/ is accepted too
        assertEquals(12, p.items().size());
        assertEquals(6, p.count("train"));
        IngestWriter.Result r = IngestWriter.write(p, tmp.resolve("CUB"), IngestWriter.Mode.COPY, null);
        assertEquals(12, r.written());
        DatasetIngest.Dataset ds = DatasetIngest.scan(tmp.resolve("CUB"), -1, true);
        assertEquals(
                List.of("001.Black_footed_Albatross", "002.Laysan_Albatross", "003.Sooty_Albatross"),
                ds.split("train").classes());
        // images.txt line 1 is a training image of class 1, line 2 a test image (train_test_split.txt)
        Path first = tmp.resolve("CUB/images/train/001.Black_footed_Albatross/00001.jpg");
        assertArrayEquals(
                Files.readAllBytes(fixture("cub")
                        .resolve("CUB_200_2011/images/001.Black_footed_Albatross/Black_footed_Albatross_0001_101.jpg")),
                Files.readAllBytes(first));
        assertTrue(Files.isRegularFile(tmp.resolve("CUB/images/test/001.Black_footed_Albatross/00002.jpg")));
        assertEquals(
                List.of("00001", "00003", "00005", "00007", "00009", "00011"),
                ids(ds.split("train").images()));
        assertEquals(
                "1 001.Black_footed_Albatross",
                Files.readAllLines(tmp.resolve("CUB/classes.txt")).get(0));
        assertEquals(13, Files.readAllLines(tmp.resolve("CUB/ingest.csv")).size());

        IngestWriter.Result again = IngestWriter.write(
                CubDownload.read(fixture("cub/CUB_200_2011")), tmp.resolve("CUB"), IngestWriter.Mode.COPY, null);
        assertEquals(0, again.written(), "idempotent");
        assertEquals(12, again.unchanged());
        Files.writeString(tmp.resolve("CUB/images/test/001.Black_footed_Albatross/00099.jpg"), "stray");
        Files.writeString(first, "damaged");
        IngestWriter.Result fixed = IngestWriter.write(p, tmp.resolve("CUB"), IngestWriter.Mode.COPY, null);
        assertEquals(1, fixed.written(), "a changed file is replaced");
        assertEquals(List.of(tmp.resolve("CUB/images/test/001.Black_footed_Albatross/00099.jpg")), fixed.stale());
    }

    @Test
    void carsFullAnnotationsMatFile() throws Exception {
        IngestPlan p = CarsDownload.read(fixture("cars_full"));
        IngestWriter.Result r = IngestWriter.write(p, tmp.resolve("CARS"), IngestWriter.Mode.SYMLINK, null);
        assertEquals(9, r.written());
        DatasetIngest.Dataset ds = DatasetIngest.scan(tmp.resolve("CARS"), -1, true);
        assertEquals(List.of("00003", "00004", "00008"), ids(ds.split("test").images()), "annotations(i).test == 1");
        assertEquals(
                List.of(
                        "001.AM_General_Hummer_SUV_2000",
                        "002.Acura_RL_Sedan_2012",
                        "003.Ram_C_V_Cargo_Van_Minivan_2012"),
                ds.split("train").classes());
        Path link = tmp.resolve("CARS/images/test/003.Ram_C_V_Cargo_Van_Minivan_2012/00003.jpg");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(
                fixture("cars_full")
                        .resolve("car_ims/000003.jpg")
                        .toAbsolutePath()
                        .normalize(),
                Files.readSymbolicLink(link));
        assertEquals(
                "3 Ram C/V Cargo Van Minivan 2012",
                Files.readAllLines(tmp.resolve("CARS/classes.txt")).get(2),
                "the name as the download spells it");
        assertEquals(
                0,
                IngestWriter.write(p, tmp.resolve("CARS"), IngestWriter.Mode.SYMLINK, null)
                        .written());
    }

    @Test
    void carsDevkitWithOverlappingFileNamesGetsUniqueIds() throws Exception {
        IngestPlan p = CarsDownload.read(fixture("cars_devkit"));
        assertEquals(6, p.count("train"));
        assertEquals(4, p.count("test"));
        IngestWriter.write(p, tmp.resolve("CARS"), IngestWriter.Mode.HARDLINK, null);
        DatasetIngest.Dataset ds = DatasetIngest.scan(tmp.resolve("CARS"), -1, true); // would throw on a duplicate id
        assertEquals(
                List.of("00007", "00008", "00009", "00010"),
                ids(ds.split("test").images()));
        // cars_test/00001.jpg (class 3 in cars_test_annos_withlabels.mat) is id 00007
        Path t1 = tmp.resolve("CARS/images/test/003.Ram_C_V_Cargo_Van_Minivan_2012/00007.jpg");
        assertArrayEquals(
                Files.readAllBytes(fixture("cars_devkit").resolve("cars_test/00001.jpg")), Files.readAllBytes(t1));
    }

    @Test
    void carsCsvRedistribution() throws Exception {
        IngestPlan p = CarsDownload.read(fixture("cars_csv"));
        IngestWriter.write(p, tmp.resolve("CARS"), IngestWriter.Mode.COPY, null);
        DatasetIngest.Dataset ds = DatasetIngest.scan(tmp.resolve("CARS"), -1, true);
        assertEquals(5, ds.split("train").images().size());
        assertEquals(3, ds.split("test").images().size());
        // anno_test.csv row 1: 00001.jpg, class 3, found under car_data/car_data/test/ (train/ has another 00001.jpg)
        assertArrayEquals(
                Files.readAllBytes(
                        fixture("cars_csv").resolve("car_data/car_data/test/Ram C-V Cargo Van Minivan 2012/00001.jpg")),
                Files.readAllBytes(tmp.resolve("CARS/images/test/003.Ram_C_V_Cargo_Van_Minivan_2012/00006.jpg")));
    }

    @Test
    void errorsNameTheMissingOrMalformedFile() throws Exception {
        IOException e = assertThrows(IOException.class, () -> CubDownload.read(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve("images.txt") + ": missing"), e.getMessage());

        Path cub = copy(fixture("cub/CUB_200_2011"), tmp.resolve("cub"));
        Files.writeString(
                cub.resolve("train_test_split.txt"),
                Files.readString(cub.resolve("train_test_split.txt")).replace("3 1", "3 yes"));
        e = assertThrows(IOException.class, () -> CubDownload.read(cub));
        assertTrue(
                e.getMessage()
                        .startsWith(cub.resolve("train_test_split.txt")
                                + ": image 3 has 'yes'; allowed 1 (train) or 0 (test)"),
                e.getMessage());
        Files.writeString(cub.resolve("images.txt"), "1 a.jpg\nnot a line\n");
        e = assertThrows(IOException.class, () -> CubDownload.read(cub));
        assertEquals(
                cub.resolve("images.txt") + ":2: expected '<image id> <path>', found 'not a line'", e.getMessage());

        Path full = copy(fixture("cars_full"), tmp.resolve("full"));
        Files.delete(full.resolve("car_ims/000004.jpg"));
        e = assertThrows(
                IOException.class,
                () -> IngestWriter.write(CarsDownload.read(full), tmp.resolve("o"), IngestWriter.Mode.COPY, null));
        assertTrue(
                e.getMessage()
                        .startsWith("1 image listed in " + full.resolve("cars_annos.mat") + " is missing: "
                                + full.resolve("car_ims/000004.jpg")),
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("o")), "nothing written");
        Files.writeString(full.resolve("cars_annos.mat"), "MATLAB? no");
        e = assertThrows(IOException.class, () -> CarsDownload.read(full));
        assertTrue(
                e.getMessage().startsWith(full.resolve("cars_annos.mat") + ": not a readable MATLAB 5 MAT file"),
                e.getMessage());

        Path dev = copy(fixture("cars_devkit"), tmp.resolve("dev"));
        Files.delete(dev.resolve("cars_test_annos_withlabels.mat"));
        e = assertThrows(IOException.class, () -> CarsDownload.read(dev));
        assertTrue(
                e.getMessage().startsWith(dev.resolve("devkit/cars_test_annos.mat") + ": has no class labels"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> CarsDownload.read(tmp.resolve("cub")));
        assertTrue(e.getMessage().contains("no Stanford Cars annotations found"), e.getMessage());
    }

    @Test
    void classFolders() {
        assertEquals("001.Black_footed_Albatross", IngestWriter.classFolder(1, "001.Black_footed_Albatross", 200));
        assertEquals(
                "196.smart_fortwo_Convertible_2012",
                IngestWriter.classFolder(196, "smart fortwo Convertible 2012", 196));
        assertEquals("0042.a", IngestWriter.classFolder(42, "a", 1000));
    }

    private static List<String> ids(List<SourceImage> images) {
        List<String> ids = new ArrayList<>();
        for (SourceImage i : images) ids.add(i.id());
        return ids.stream().sorted().toList();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return to;
    }
}
