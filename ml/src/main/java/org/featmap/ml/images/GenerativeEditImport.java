package org.featmap.ml.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.featmap.core.contract.Progress;

/**
 * Stage S2 as an import (spec §2.7: Qwen-Image-Edit runs elsewhere): takes precomputed edited images
 * named {@code <ID>_<raw name>.<ext>} from the split's folder of an import folder ({@code <dir>/<split>/}, any
 * depth below; only that split is read: the other split's files are not this node's), maps the raw name to the canonical short
 * name (spec §3.4 shortening table, the prompt table of §2.7, both historical naming rules of §11 B4,
 * or an already short name) and writes {@code <out>/augmented_<split>/<class>/qwen_gs_1_infsteps_10/<ID>_<short>.<ext>}
 * plus the source's {@code <ID>_resized.<ext>} in the same folder (the intended layout, spec §11 B3).
 * Edits are not resized here (1024x1024 stays; feature extraction resizes, spec §3.2).
 */
public final class GenerativeEditImport {
    private GenerativeEditImport() {}

    /** {@code qwen_gs_<int(guidance_scale)>_infsteps_<steps>} for the reference settings (spec §1.5). */
    public static final String QWEN_DIR = "qwen_gs_1_infsteps_10";

    /** Prompt (verbatim, spec §2.7) → canonical short name (spec §3.4). */
    public static final Map<String, String> PROMPT_TO_SHORT;

    /** Raw keys of the reference's shortening table (spec §3.4) → short name. */
    public static final Map<String, String> SHORTENING;

    static {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(
                "Change the car's body color to bright blue, while maintaining the exact same lighting, reflections, background, and all other details.",
                "Change_body_color_blue");
        p.put(
                "Remove the car's side mirrors in a realistic photo style, while keeping the car's body, lighting, reflections, and background identical.",
                "Remove_side_mirrors");
        p.put(
                "Turn on the car's headlights so they appear bright and illuminated, while preserving the car's position, lighting, color, and all background details exactly as in the original image.",
                "Turn_on_headlights");
        p.put(
                "Add flashing blue and red police lights to the top of the car, making them appear illuminated, while keeping the car's color, lighting, reflections, position, and all background details exactly the same.",
                "Add_police_lights");
        p.put(
                "Change the car's tire rim color to red in a realistic photo style, while keeping the car's body, lighting, reflections, and background identical.",
                "Change_tire_rim_color_red");
        // Not in the reference's shortening table (spec §3.4): the reference generated it but never mapped it
        // (§2.7 prompt 6). Named here so importing a complete Cars edit folder does not fail on it.
        p.put("Remove the car from the image and fill the space naturally with background.", "Remove_car");
        p.put(
                "Change only the birds plumage color to bright blue, without altering the birds species, pose, head orientation, body shape, texture, or expression. Keep the original background, lighting, shadows, camera angle, and image composition exactly the same.",
                "Change_plumage_color_blue");
        p.put(
                "Edit the bird to show its beak open in a calling or singing posture, while preserving the exact species, head direction, body pose, and limb positions. Do not change the background, lighting, camera angle, or any other element except the mouth/beak opening.",
                "Open_beak_call");
        p.put(
                "Show the bird gently preening one wing, in the same pose and background, without changing species or plumage.",
                "Preening_one_wing");
        PROMPT_TO_SHORT = Collections.unmodifiableMap(p);

        Map<String, String> s = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, String> e : p.entrySet()) {
            boolean cub = i++ >= 6;
            if (e.getValue().equals("Remove_car")) continue;
            s.put(cub ? cubKey(e.getKey()) : carsKey(e.getKey()), e.getValue());
        }
        SHORTENING = Collections.unmodifiableMap(s);
    }

    /** Cars rule of the shortening keys: "qwen_" + prompt with spaces → "_" (no "_k" suffix). */
    public static String carsKey(String prompt) {
        return "qwen_" + prompt.replace(' ', '_');
    }

    /** CUB rule (AV20): "qwen_" + first 50 chars of (spaces → "_", then drop chars outside [A-Za-z0-9_]) + "_0". */
    public static String cubKey(String prompt) {
        String s = prompt.replace(' ', '_').replaceAll("[^A-Za-z0-9_]", "");
        return "qwen_" + s.substring(0, Math.min(50, s.length())) + "_0";
    }

    private static final Pattern K_SUFFIX = Pattern.compile("^(.*)_(\\d+)$");

    /**
     * Canonical short name of a raw manipulation (file name after the first "_", extension removed), or
     * an error listing the known names.
     */
    public static String canonicalName(String raw) {
        String r = raw.replace(' ', '_');
        if (SHORTENING.containsKey(r)) return SHORTENING.get(r);
        if (PROMPT_TO_SHORT.containsValue(r)) return r;
        String body = r.startsWith("qwen_") ? r.substring(5) : r;
        String k = null;
        Matcher m = K_SUFFIX.matcher(body);
        if (m.matches()) {
            body = m.group(1);
            k = m.group(2);
        }
        for (Map.Entry<String, String> e : PROMPT_TO_SHORT.entrySet()) {
            String underscored = e.getKey().replace(' ', '_');
            String cubBody = cubKey(e.getKey());
            cubBody = cubBody.substring(5, cubBody.length() - 2);
            if (body.equals(underscored) || body.equals(cubBody) || body.equals(e.getValue())) {
                // S2 writes k = 0 for the single output per prompt (repeats_per_prompt 1); other k stay distinct.
                return k == null || k.equals("0") ? e.getValue() : e.getValue() + "_" + k;
            }
        }
        throw new IllegalArgumentException("unknown generative edit '" + raw + "'; known short names: "
                + String.join(", ", new TreeSet<>(PROMPT_TO_SHORT.values())));
    }

    /**
     * The folder of one split inside an import folder (docs/REAL_DATA.md): {@code <dir>/<split>} or, as the
     * reference and the Python edit worker write it, {@code <dir>/augmented_<split>}; files at any depth below.
     */
    public static Path splitDir(Path importDir, String split) throws IOException {
        for (String name : List.of(split, "augmented_" + split)) {
            Path d = importDir.resolve(name);
            if (Files.isDirectory(d)) return d;
        }
        throw new IOException(importDir + ": no " + split + "/ (or augmented_" + split
                + "/) folder; the import folder holds one folder per"
                + " split with files <ID>_<edit>.<ext> at any depth (docs/REAL_DATA.md)");
    }

    /** One file of an import split: its id and canonical short name, or why it has none. */
    public record Entry(Path file, String id, String shortName, String problem) {}

    /** The image files of {@code splitDir} in name order, each named or with a one-line problem. */
    public static List<Entry> entries(Path splitDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(splitDir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> DatasetIngest.isImageName(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            int us = name.indexOf('_');
            int dot = name.lastIndexOf('.');
            if (us <= 0 || dot < us) {
                out.add(new Entry(f, null, null, "name is not <ID>_<edit>.<ext>"));
                continue;
            }
            String id = name.substring(0, us);
            try {
                out.add(new Entry(f, id, canonicalName(name.substring(us + 1, dot)), null));
            } catch (IllegalArgumentException e) {
                out.add(new Entry(f, id, null, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * @param editsDir the import folder: {@code <editsDir>/<split>/} (or {@code augmented_<split>/}) holds the
     *     edited images of the split, named {@code <ID>_<raw>.<ext>} at any depth ({@link #splitDir})
     * @param prompts the configured short names; an edit of another prompt is a failure (empty: every known one)
     * @param datasetRoot the dataset (to find each id's class and source image)
     * @param split "train" or "test"
     * @param out output root (as for {@link ManipulateStage})
     * @param format output format of the resized sources and of edits whose extension differs from it
     */
    public record Options(
            Path editsDir,
            Path datasetRoot,
            String split,
            Path out,
            ImageFormat format,
            int numClasses,
            int size,
            List<String> prompts,
            Progress progress) {
        public Options {
            prompts = prompts == null ? List.of() : List.copyOf(prompts);
            Objects.requireNonNull(editsDir, "editsDir");
            Objects.requireNonNull(datasetRoot, "datasetRoot");
            Objects.requireNonNull(out, "out");
            format = format == null ? ImageFormat.JPG : format;
            progress = progress == null ? Progress.NONE : progress;
        }
    }

    /** @param perEdit files imported per short name; failures one line each */
    public record Report(int imported, int sourcesResized, List<String> failures, Map<String, Integer> perEdit) {}

    public static Report run(Options o) throws IOException {
        if (!Files.isDirectory(o.editsDir())) throw new IOException(o.editsDir() + ": edits folder not found");
        Path splitDir = splitDir(o.editsDir(), o.split());
        DatasetIngest.Dataset ds = DatasetIngest.scan(o.datasetRoot(), o.numClasses(), true);
        Map<String, SourceImage> byId = new LinkedHashMap<>();
        for (SourceImage s : ds.split(o.split()).images()) byId.put(s.id(), s);
        List<Entry> entries = entries(splitDir);
        Path splitOut = o.out().resolve("augmented_" + o.split());
        List<String> failures = new ArrayList<>();
        Map<String, Integer> per = new TreeMap<>();
        Map<String, Boolean> resizedDone = new LinkedHashMap<>();
        int imported = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry en = entries.get(i);
            Path f = en.file();
            String name = f.getFileName().toString();
            try {
                if (en.problem() != null) throw new IllegalArgumentException(en.problem());
                String id = en.id();
                String shortName = en.shortName();
                if (!o.prompts().isEmpty() && !o.prompts().contains(shortName))
                    throw new IllegalArgumentException("edit '" + shortName + "' is not one of the configured prompts "
                            + String.join(", ", o.prompts()));
                SourceImage src = byId.get(id);
                if (src == null)
                    throw new IllegalArgumentException(
                            "id '" + id + "' is not an image of split " + o.split() + " of " + o.datasetRoot());
                Path dir = splitOut.resolve(src.className()).resolve(QWEN_DIR);
                RgbImage edit = ImageCodec.decode(f); // validates the file even when its bytes are copied
                int dot = name.lastIndexOf('.');
                String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
                boolean sameFormat = ImageFormat.parseOrNull(ext) == o.format();
                Path target =
                        dir.resolve(id + "_" + shortName + "." + o.format().extension());
                if (sameFormat) copyAtomically(f, target); // no second lossy encode of a JPEG edit
                else ImageCodec.write(edit, target, o.format());
                per.merge(shortName, 1, Integer::sum);
                imported++;
                if (resizedDone.putIfAbsent(id, Boolean.TRUE) == null) {
                    RgbImage original = ResizeCrop.apply(ImageCodec.decode(src.file()), o.size());
                    ImageCodec.write(
                            original,
                            dir.resolve(id + "_" + Manipulation.RESIZED + "."
                                    + o.format().extension()),
                            o.format());
                }
            } catch (IOException e) {
                failures.add(e.getMessage().startsWith(f.toString()) ? e.getMessage() : f + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                failures.add(f + ": " + e.getMessage());
            }
            o.progress().report(i + 1, entries.size(), null);
        }
        return new Report(imported, resizedDone.size(), List.copyOf(failures), per);
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        org.featmap.ml.AtomicFiles.writeVia(
                to, tmp -> Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
    }
}
