package org.featmap.activities.test;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.eval.EvaluationRow;
import org.featmap.ml.eval.EvaluationTable;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderOptions;
import org.featmap.ml.reconstruct.DecoderTrainStage;
import org.featmap.ml.test.TestOptions;
import org.featmap.ml.test.TestResult;
import org.featmap.ml.test.TestStage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of one spatial-only cell on a tiny synthetic set with a 1-epoch decoder: the image metrics
 * of spec §7.3 fill every column when the ConvNeXt export and an LPIPS export are given, and stay empty
 * with a "skipped because" note when not; evaluation.arrow holds the CSV's rows. Lives in the workers module
 * because the activities test classpath (s3proxy) carries a netty that Arrow's allocator cannot use.
 */
class TestCellTest {
    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");
    static final Path LPIPS = Path.of("..", "ml", "src", "test", "resources", "lpips", "tiny");

    @TempDir
    static Path tmp;

    static Path images, store, decoder;

    @BeforeAll
    static void makeCell() throws Exception {
        ai.djl.engine.Engine.getEngine("PyTorch");
        SyntheticDataset.generate(tmp.resolve("ds"), 2, 1, 3, 5L);
        ManipulateStage.run(ManipulateOptions.defaults(tmp.resolve("ds"), "test", tmp.resolve("images"))
                .withFormat(ImageFormat.PNG)
                .withOps(List.of(Manipulation.ROTATION_90, Manipulation.MASK_BIG_SQUARE_CENTER))
                .withThreads(1));
        images = tmp.resolve("images").resolve("augmented_test");
        ExtractStage.run(ExtractOptions.of(CONVNEXT, images, tmp.resolve("features"))
                .withLayers(List.of("feat3"))
                .withBatch(8, 512)
                .withRuntime(Device.cpu(), 1, null));
        store = tmp.resolve("features").resolve("feat3");
        try (FeatureStoreReader r = FeatureStoreReader.open(store)) {
            decoder = DecoderTrainStage.run(
                            DecoderOptions.of(images, tmp.resolve("dec"))
                                    .withModel(32, 16)
                                    .withTraining(DecoderLoss.L1, 3e-3f, 8, 1, 3L)
                                    .withValFraction(0.2)
                                    .withRuntime(1, null, null),
                            r)
                    .modelDir();
        }
    }

    static TestOptions options(String manip, Path evalBackbone, Path lpips, Path out) {
        return new TestOptions(
                "spatial_only_" + manip,
                "SYNTH",
                "feat3",
                manip,
                100,
                store,
                images,
                null,
                null,
                decoder,
                null,
                "convnext",
                evalBackbone,
                lpips,
                Device.cpu(),
                out);
    }

    @Test
    void fillsCosineAndLpipsAndWritesArrow() throws Exception {
        Path out = tmp.resolve("full");
        TestResult r = TestStage.run(options("rotation_90", CONVNEXT, LPIPS, out), Progress.NONE);
        assertEquals(6, r.pairs());
        assertEquals(6, r.imageRows());
        List<List<String>> rows = EvaluationTable.readCells(out.resolve("evaluation.arrow"));
        List<String> csv = Files.readAllLines(out.resolve("evaluation.csv"));
        assertEquals(String.join(",", EvaluationRow.COLUMNS), csv.get(0));
        assertEquals(6, rows.size());
        assertEquals(7, csv.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(String.join(",", rows.get(i)), csv.get(i + 1), "arrow row " + i + " = csv row");
            for (int c = 9; c < 19; c++)
                assertFalse(rows.get(i).get(c).isEmpty(), EvaluationRow.COLUMNS.get(c) + " empty");
            for (int c : new int[] {12, 13, 17, 18}) {
                double v = Double.parseDouble(rows.get(i).get(c));
                assertTrue(v >= -1 && v <= 1, EvaluationRow.COLUMNS.get(c) + " = " + v);
            }
            assertTrue(Double.parseDouble(rows.get(i).get(11)) > 0, "LPIPS of a reconstruction vs the target");
        }
        assertTrue(r.summary().get("image_median_cos") instanceof Double);
        assertTrue(r.summary().get("image_lpips") instanceof Double);
        assertTrue(String.valueOf(r.summary().get("lpips_note")).contains("not AlexNet-LPIPS"));
        assertTrue(Files.size(out.resolve("grid.png")) > 1000);
    }

    @Test
    void leavesCellsEmptyAndSaysWhyWithoutExports() throws Exception {
        Path out = tmp.resolve("bare");
        TestResult r = TestStage.run(options("mask_big_square_center", null, null, out), Progress.NONE);
        assertEquals(
                "LPIPS skipped because no lpips_export is configured",
                r.summary().get("image_lpips"));
        assertTrue(String.valueOf(r.summary().get("image_cosine")).startsWith("skipped because"));
        for (List<String> row : EvaluationTable.readCells(out.resolve("evaluation.arrow"))) {
            assertFalse(row.get(9).isEmpty() || row.get(10).isEmpty(), "MSE and SSIM are always computed");
            for (int c : new int[] {11, 12, 13, 16, 17, 18}) assertEquals("", row.get(c), EvaluationRow.COLUMNS.get(c));
        }
    }

    @Test
    void stageCommandWritesWhatTheNodeWrites() throws Exception {
        Path node = tmp.resolve("node"), cmd = tmp.resolve("cmd");
        TestStage.run(options("rotation_90", CONVNEXT, null, node), Progress.NONE);
        int rc = org.featmap.workers.Featmap.commandLine()
                .execute(
                        "test",
                        "--model",
                        "spatial_only",
                        "--features",
                        tmp.resolve("features").toString(),
                        "--images",
                        tmp.resolve("images").toString(),
                        "--manipulation",
                        "rotation_90",
                        "--layer",
                        "3",
                        "--decoder",
                        decoder.toString(),
                        "--eval-backbone",
                        CONVNEXT.toString(),
                        "--dataset",
                        "SYNTH",
                        "--out",
                        cmd.toString());
        assertEquals(0, rc);
        assertEquals(
                Files.readAllLines(node.resolve("evaluation.csv")), Files.readAllLines(cmd.resolve("evaluation.csv")));
        assertEquals(
                EvaluationTable.readCells(node.resolve("evaluation.arrow")),
                EvaluationTable.readCells(cmd.resolve("evaluation.arrow")));
    }

    static final Path FEATINV = Path.of("src", "test", "resources", "featinv-convnext-feat3");

    private static TestOptions featinvOptions(String backbone, Path out) {
        return new TestOptions(
                "spatial_only_rotation_90",
                "SYNTH",
                "feat3",
                "rotation_90",
                100,
                store,
                images,
                null,
                null,
                null,
                FEATINV,
                backbone,
                null,
                null,
                Device.cpu(),
                out);
    }

    @Test
    void featinvReconstructsTheCellInBatchesAndTheCommandAgrees() throws Exception {
        // a tiny random FeatInv export for this ConvNeXt's feat3 (python/fixtures/featinv/make_featinv_cell_fixture.py)
        Path out = tmp.resolve("featinv"), cmd = tmp.resolve("featinv-cmd");
        TestResult r = TestStage.run(featinvOptions("convnext", out), Progress.NONE);
        assertEquals(6, r.imageRows());
        List<String> index = Files.readAllLines(out.resolve(TestStage.RECON_INDEX));
        assertEquals(7, index.size());
        for (String line : index.subList(1, index.size())) {
            org.featmap.ml.images.RgbImage img =
                    org.featmap.ml.images.ImageCodec.decode(out.resolve(line.split(",")[3]));
            assertEquals(16, img.width(), "FeatInv's own image size (manifest imageSize), saved raw");
        }
        for (List<String> row : EvaluationTable.readCells(out.resolve("evaluation.arrow")))
            assertFalse(row.get(9).isEmpty() || row.get(10).isEmpty(), "MSE and SSIM of the FeatInv reconstruction");
        int rc = org.featmap.workers.Featmap.commandLine()
                .execute(
                        "test",
                        "--model",
                        "spatial_only",
                        "--features",
                        tmp.resolve("features").toString(),
                        "--images",
                        tmp.resolve("images").toString(),
                        "--manipulation",
                        "rotation_90",
                        "--layer",
                        "3",
                        "--featinv",
                        FEATINV.toString(),
                        "--dataset",
                        "SYNTH",
                        "--out",
                        cmd.toString());
        assertEquals(0, rc);
        assertEquals(
                Files.readAllLines(out.resolve("evaluation.csv")),
                Files.readAllLines(cmd.resolve("evaluation.csv")),
                "x_T is reseeded with 100 for every reconstruction (spec §7.4): two runs give the same images");
    }

    @Test
    void aFeatinvExportForAnotherLayerIsAOneLineError() {
        org.featmap.core.contract.BadInputException e = assertThrows(
                org.featmap.core.contract.BadInputException.class,
                () -> TestStage.run(featinvOptions("swinv2", tmp.resolve("featinv-bad")), Progress.NONE));
        assertTrue(
                e.getMessage()
                        .contains(
                                "FeatInv export is for convnext/feat3 [256, 9, 9] but the evaluated layer is swinv2/feat3"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
