package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerativeEditImportTest {

    @Test
    void shorteningTableKeysAreTheSpecsVerbatim() {
        Map<String, String> s = GenerativeEditImport.SHORTENING;
        assertEquals(8, s.size());
        assertEquals("Preening_one_wing", s.get("qwen_Show_the_bird_gently_preening_one_wing_in_the_same_0"));
        assertEquals("Open_beak_call", s.get("qwen_Edit_the_bird_to_show_its_beak_open_in_a_calling_o_0"));
        assertEquals("Change_plumage_color_blue", s.get("qwen_Change_only_the_birds_plumage_color_to_bright_blue_0"));
        assertEquals(
                "Turn_on_headlights",
                s.get(
                        "qwen_Turn_on_the_car's_headlights_so_they_appear_bright_and_illuminated,_while_preserving_the_car's_position,_lighting,_color,_and_all_background_details_exactly_as_in_the_original_image."));
        assertEquals(
                "Change_body_color_blue",
                s.get(
                        "qwen_Change_the_car's_body_color_to_bright_blue,_while_maintaining_the_exact_same_lighting,_reflections,_background,_and_all_other_details."));
    }

    @Test
    void canonicalNamesFromEveryNamingRule() {
        // current S2 naming: qwen_<prompt with spaces→_>_<k>
        assertEquals(
                "Remove_side_mirrors",
                GenerativeEditImport.canonicalName(
                        "qwen_Remove_the_car's_side_mirrors_in_a_realistic_photo_style,_while_keeping_the_car's_body,_lighting,_reflections,_and_background_identical._0"));
        assertEquals(
                "Add_police_lights",
                GenerativeEditImport.canonicalName(
                        GenerativeEditImport.carsKey(
                                "Add flashing blue and red police lights to the top of the car, making them appear illuminated, while keeping the car's color, lighting, reflections, position, and all background details exactly the same.")));
        assertEquals(
                "Open_beak_call",
                GenerativeEditImport.canonicalName("qwen_Edit_the_bird_to_show_its_beak_open_in_a_calling_o_0"));
        assertEquals("Preening_one_wing", GenerativeEditImport.canonicalName("Preening_one_wing"));
        var e = assertThrows(
                IllegalArgumentException.class, () -> GenerativeEditImport.canonicalName("qwen_Make_it_pink_0"));
        assertTrue(
                e.getMessage().contains("'qwen_Make_it_pink_0'")
                        && e.getMessage().contains("Open_beak_call"),
                e.getMessage());
    }

    @Test
    void importsEditsIntoTheQwenFolderWithResizedSources(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("SYN");
        SyntheticDataset.generate(data, 2, 2, 1, 5L, 100);
        Path edits = tmp.resolve("edits");
        Path train = edits.resolve("train");
        Files.createDirectories(train.resolve("sub"));
        RgbImage edit = FixtureRandom.image(8, 64, 64);
        ImageCodec.write(
                edit,
                train.resolve("00001_qwen_Show_the_bird_gently_preening_one_wing_in_the_same_0.jpg"),
                ImageFormat.JPG);
        ImageCodec.write(
                edit,
                train.resolve(
                        "sub/00003_qwen_Show_the_bird_gently_preening_one_wing,_in_the_same_pose_and_background,_without_changing_species_or_plumage._0.png"),
                ImageFormat.PNG);
        ImageCodec.write(edit, train.resolve("00099_Preening_one_wing.jpg"), ImageFormat.JPG);
        ImageCodec.write(edit, train.resolve("00002_Open_beak_call.jpg"), ImageFormat.JPG);
        Files.write(train.resolve("00002_qwen_Make_it_pink_0.jpg"), new byte[] {1, 2});
        // the test split's edits (ids 00005, 00006) are another node's: not read, not failures of this one
        Path test = Files.createDirectories(edits.resolve("augmented_test/x"));
        ImageCodec.write(edit, test.resolve("00005_Preening_one_wing.jpg"), ImageFormat.JPG);
        ImageCodec.write(edit, test.resolve("00006_Preening_one_wing.jpg"), ImageFormat.JPG);
        GenerativeEditImport.Report r = GenerativeEditImport.run(new GenerativeEditImport.Options(
                edits,
                data,
                "train",
                tmp.resolve("out"),
                ImageFormat.JPG,
                -1,
                288,
                List.of("Preening_one_wing"),
                null));
        assertEquals(2, r.imported());
        assertEquals(2, r.sourcesResized());
        assertEquals(Map.of("Preening_one_wing", 2), r.perEdit());
        assertEquals(3, r.failures().size(), r.failures().toString());
        Path q1 = tmp.resolve("out/augmented_train")
                .resolve(SyntheticDataset.className(0))
                .resolve(GenerativeEditImport.QWEN_DIR);
        Path q2 = tmp.resolve("out/augmented_train")
                .resolve(SyntheticDataset.className(1))
                .resolve(GenerativeEditImport.QWEN_DIR);
        assertEquals(List.of("00001_Preening_one_wing.jpg", "00001_resized.jpg"), list(q1));
        assertEquals(List.of("00003_Preening_one_wing.jpg", "00003_resized.jpg"), list(q2));
        assertEquals(
                64, ImageCodec.decode(q2.resolve("00003_Preening_one_wing.jpg")).width(), "edits are not resized here");
        assertTrue(
                r.failures().stream().anyMatch(f -> f.contains("00099_Preening_one_wing.jpg: id '00099'")),
                r.failures().toString());
        assertTrue(
                r.failures().stream()
                        .anyMatch(
                                f -> f.contains(
                                        "00002_Open_beak_call.jpg: edit 'Open_beak_call' is not one of the configured prompts")),
                r.failures().toString());

        GenerativeEditImport.Report t = GenerativeEditImport.run(new GenerativeEditImport.Options(
                edits, data, "test", tmp.resolve("out"), ImageFormat.JPG, -1, 288, List.of(), null));
        assertEquals(2, t.imported(), "augmented_test/ is the test split's folder");
        assertEquals(List.of(), t.failures());
    }

    @Test
    void anImportFolderWithoutTheSplitFolderIsOneLine(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("edits/flat"));
        var e = assertThrows(
                java.io.IOException.class, () -> GenerativeEditImport.splitDir(tmp.resolve("edits"), "test"));
        assertTrue(e.getMessage().contains("no test/ (or augmented_test/) folder"), e.getMessage());
    }

    private static List<String> list(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
