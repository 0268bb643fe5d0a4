package org.featmap.ml.extract;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sample enumeration and naming of spec §3.4: torchvision ImageFolder order over
 * {@code images/augmented_<split>}, kept if a path component equals the source folder.
 */
public final class ImageFolderSamples {
    private ImageFolderSamples() {}

    /** torchvision IMG_EXTENSIONS (matched case-insensitively). */
    static final List<String> EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    /** spec §3.4 shortened_manipulations (config). */
    static final Map<String, String> SHORTENED = Map.of(
            "qwen_Turn_on_the_car's_headlights_so_they_appear_bright_and_illuminated,_while_preserving_the_car's_position,_lighting,_color,_and_all_background_details_exactly_as_in_the_original_image.",
                    "Turn_on_headlights",
            "qwen_Add_flashing_blue_and_red_police_lights_to_the_top_of_the_car,_making_them_appear_illuminated,_while_keeping_the_car's_color,_lighting,_reflections,_position,_and_all_background_details_exactly_the_same.",
                    "Add_police_lights",
            "qwen_Change_the_car's_body_color_to_bright_blue,_while_maintaining_the_exact_same_lighting,_reflections,_background,_and_all_other_details.",
                    "Change_body_color_blue",
            "qwen_Change_the_car's_tire_rim_color_to_red_in_a_realistic_photo_style,_while_keeping_the_car's_body,_lighting,_reflections,_and_background_identical.",
                    "Change_tire_rim_color_red",
            "qwen_Remove_the_car's_side_mirrors_in_a_realistic_photo_style,_while_keeping_the_car's_body,_lighting,_reflections,_and_background_identical.",
                    "Remove_side_mirrors",
            "qwen_Change_only_the_birds_plumage_color_to_bright_blue_0", "Change_plumage_color_blue",
            "qwen_Edit_the_bird_to_show_its_beak_open_in_a_calling_o_0", "Open_beak_call",
            "qwen_Show_the_bird_gently_preening_one_wing_in_the_same_0", "Preening_one_wing");

    /** One enumerated image: {@code sampleId} = row_idx, {@code relPath} relative to the images dir. */
    public record Sample(
            int sampleId, Path file, String relPath, int classId, String originalId, String manipulation) {}

    /** Enumerates {@code imagesDir} (e.g. images/augmented_train) keeping paths with component {@code sourceFolder}. */
    public static List<Sample> enumerate(Path imagesDir, String sourceFolder) throws IOException {
        if (!Files.isDirectory(imagesDir))
            throw new IllegalArgumentException(imagesDir + ": images directory does not exist");
        List<Path> classes;
        try (Stream<Path> s = Files.list(imagesDir)) {
            classes = s.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        List<Sample> out = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (Path f : filesInImageFolderOrder(classes.get(c))) {
                if (!hasComponent(f, sourceFolder)) continue;
                String name = f.getFileName().toString();
                String stem = name.substring(0, name.lastIndexOf('.'));
                int us = stem.indexOf('_');
                String originalId = us < 0 ? stem : stem.substring(0, us);
                String raw = us < 0 ? "" : stem.substring(us + 1).replace(' ', '_');
                out.add(new Sample(
                        out.size(),
                        f,
                        imagesDir.relativize(f).toString(),
                        c,
                        originalId,
                        SHORTENED.getOrDefault(raw, raw)));
            }
        }
        return out;
    }

    /** ImageFolder: {@code for root in sorted(os.walk(dir)): for f in sorted(files)} with an image extension. */
    static List<Path> filesInImageFolderOrder(Path classDir) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            dirs = s.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> isImage(p.getFileName().toString()))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                        .forEach(files::add);
            }
        }
        return files;
    }

    static boolean isImage(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) if (lower.endsWith(e)) return true;
        return false;
    }

    static boolean hasComponent(Path p, String component) {
        for (Path part : p) if (part.toString().equals(component)) return true;
        return false;
    }
}
