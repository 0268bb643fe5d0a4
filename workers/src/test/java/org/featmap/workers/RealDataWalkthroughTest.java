package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/REAL_DATA.md followed with the project's fixtures: steps 1 (ingest both downloads into paper.yaml's
 * layout), 3 (an edit import folder with one folder per split) and 6 (plan: the grid and a clean preflight).
 */
class RealDataWalkthroughTest {
    @TempDir
    Path tmp;

    @Test
    void theDocumentedLayoutPassesThePreflight() throws Exception {
        Path ds = tmp.resolve("datasets");
        assertEquals(
                0,
                PreflightTest.capture(
                                "ingest",
                                "cub",
                                "--from",
                                IngestCommandsTest.FIXTURES.resolve("cub").toString(),
                                "--out",
                                ds.resolve("CUB_200_2011/CUB_200_2011").toString())
                        .rc());
        assertEquals(
                0,
                PreflightTest.capture(
                                "ingest",
                                "cars",
                                "--from",
                                IngestCommandsTest.FIXTURES.resolve("cars_full").toString(),
                                "--out",
                                ds.resolve("STANFORD_CARS").toString(),
                                "--link",
                                "symlink")
                        .rc());
        Path edits = tmp.resolve("edits");
        RgbImage img = new RgbImage(8, 8, new byte[8 * 8 * 3]);
        // Cars: train ids 1, 2, 5; test ids 3, 4, 8 (cars_annos.mat); CUB: odd ids train, even ids test
        ImageCodec.write(
                img,
                Files.createDirectories(edits.resolve("STANFORD_CARS/train/x"))
                        .resolve(
                                "00001_qwen_Turn_on_the_car's_headlights_so_they_appear_bright_and_illuminated,_while_preserving_the_car's_position,_lighting,_color,_and_all_background_details_exactly_as_in_the_original_image._0.jpg"),
                ImageFormat.JPG);
        ImageCodec.write(
                img,
                Files.createDirectories(edits.resolve("STANFORD_CARS/augmented_test"))
                        .resolve("00003_Turn_on_headlights.jpg"),
                ImageFormat.JPG);
        ImageCodec.write(
                img,
                Files.createDirectories(edits.resolve("CUB_200_2011/train")).resolve("00001_Preening_one_wing.jpg"),
                ImageFormat.JPG);
        ImageCodec.write(
                img,
                Files.createDirectories(edits.resolve("CUB_200_2011/test")).resolve("00002_Preening_one_wing.jpg"),
                ImageFormat.JPG);
        Path cfg = tmp.resolve("real.yaml");
        Path models = Path.of("..", "models", "demo").toAbsolutePath().normalize();
        Files.writeString(cfg, """
        sweep: {name: real, store: %1$s/store}
        images: {manipulations: [grayscale, mask_big_square_center]}
        datasets:
          - name: STANFORD_CARS
            root: %1$s/datasets/STANFORD_CARS
            edits:
              enabled: true
              import_dir: %1$s/edits/STANFORD_CARS
              prompts: [{name: Turn_on_headlights, text: "Turn on the car's headlights"}]
            groups:
              - {name: direct, models: [linear], manipulations: [grayscale]}
              - {name: qwen_gs_1_infsteps_10, models: [linear], manipulations: [Turn_on_headlights]}
          - name: CUB_200_2011
            root: %1$s/datasets/CUB_200_2011/CUB_200_2011
            edits:
              enabled: true
              import_dir: %1$s/edits/CUB_200_2011
              prompts: [{name: Preening_one_wing, text: "Show the bird gently preening one wing"}]
            groups:
              - {name: direct, models: [linear], manipulations: [mask_big_square_center]}
        backbones:
          - {name: convnext, export: %2$s/convnext-atto-rand, layers: [feat3]}
          - {name: swinv2, export: %2$s/swinv2-tiny-rand, layers: [feat0]}
        training: {batch_size: 2, max_epochs: 1}
        """.formatted(tmp, models));
        PreflightTest.Captured plan = PreflightTest.capture("plan", cfg.toString());
        assertEquals(0, plan.rc(), plan.out() + plan.err());
        assertTrue(plan.out().contains("layer shapes of the export manifests (convnext, swinv2)"), plan.out());
        Files.move(edits.resolve("CUB_200_2011/test"), edits.resolve("CUB_200_2011/elsewhere"));
        PreflightTest.Captured bad = PreflightTest.capture("plan", cfg.toString());
        assertEquals(2, bad.rc());
        assertTrue(
                bad.err()
                        .contains("datasets[1].edits.import_dir: " + edits.resolve("CUB_200_2011")
                                + ": no test/ (or augmented_test/) folder"),
                bad.err());
    }
}
