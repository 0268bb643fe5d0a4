package org.featmap.ml.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the dataset layout of spec §1.2, {@code <root>/images/{train,test}/<class>/<file>}: class order and
 * limit of §1.3, numeric ids of §1.2 unique over the whole dataset, non-image files skipped.
 */
public final class DatasetIngest {
    private DatasetIngest() {}

    public static final List<String> SPLITS = List.of("train", "test");

    /** torchvision ImageFolder's extensions (spec §3.4), lower case, with the dot. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    private static final Pattern ID = Pattern.compile("(\\d+)\\.[^.]*$");
    private static final Pattern LEADING_DIGITS = Pattern.compile("^(\\d+)");

    /** One split: classes in §1.3 order (limited), their images (file-name order), files skipped as non-images. */
    public record Split(String name, List<String> classes, List<SourceImage> images, List<Path> skipped) {}

    /** The selected classes of every split that exists under {@code <root>/images}. */
    public record Dataset(Path root, Map<String, Split> splits) {
        public Split split(String name) {
            Split s = splits.get(name);
            if (s == null)
                throw new IllegalArgumentException("split '" + name + "' not found under " + root.resolve("images")
                        + "; present: " + splits.keySet());
            return s;
        }

        /** id → image, over all splits. */
        public Map<String, SourceImage> byId() {
            Map<String, SourceImage> m = new HashMap<>();
            for (Split s : splits.values()) for (SourceImage i : s.images()) m.put(i.id(), i);
            return m;
        }
    }

    /**
     * Scans every split present; {@code numClasses} = -1 keeps all classes (§1.3). With {@code requireNumericIds}
     * a file name without digits before its extension is an error; without it the whole stem is the id (§1.2).
     * Duplicate ids anywhere in the selected classes of both splits are an error naming both files.
     */
    public static Dataset scan(Path root, int numClasses, boolean requireNumericIds) throws IOException {
        Path images = root.resolve("images");
        if (!Files.isDirectory(images))
            throw new IOException(
                    images + ": dataset folder not found (expected <root>/images/{train,test}/<class>/<file>)");
        Map<String, Split> splits = new LinkedHashMap<>();
        Map<String, SourceImage> seen = new HashMap<>();
        for (String split : SPLITS) {
            Path dir = images.resolve(split);
            if (!Files.isDirectory(dir)) continue;
            Split s = scanSplit(dir, split, numClasses, requireNumericIds);
            for (SourceImage img : s.images()) {
                SourceImage prev = seen.putIfAbsent(img.id(), img);
                if (prev != null)
                    throw new IllegalArgumentException("duplicate image id '" + img.id() + "': " + prev.file() + " and "
                            + img.file() + " (ids must be unique across the whole dataset, spec §1.2)");
            }
            splits.put(split, s);
        }
        if (splits.isEmpty()) throw new IOException(images + ": neither images/train nor images/test exists");
        return new Dataset(root, splits);
    }

    static Split scanSplit(Path dir, String split, int numClasses, boolean requireNumericIds) throws IOException {
        if (numClasses == 0 || numClasses < -1)
            throw new IllegalArgumentException("num_classes " + numClasses + " must be -1 (all) or > 0");
        List<String> classes = orderClasses(listNames(dir, true));
        if (numClasses > 0 && classes.size() > numClasses) classes = classes.subList(0, numClasses);
        List<SourceImage> images = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        for (String cls : classes) {
            Path cdir = dir.resolve(cls);
            for (String f : listNames(cdir, false)) {
                Path file = cdir.resolve(f);
                if (!isImageName(f)) {
                    skipped.add(file);
                    continue;
                }
                String id = imageId(f);
                if (id == null) {
                    if (requireNumericIds)
                        throw new IllegalArgumentException(
                                file
                                        + ": file name has no numeric id before the extension (spec §1.2 wants e.g. 00042.jpg)");
                    int dot = f.lastIndexOf('.');
                    id = dot > 0 ? f.substring(0, dot) : f;
                }
                images.add(new SourceImage(id, split, cls, file));
            }
        }
        return new Split(split, List.copyOf(classes), List.copyOf(images), List.copyOf(skipped));
    }

    /** The run of digits right before the extension, or null (spec §1.2). */
    public static String imageId(String fileName) {
        Matcher m = ID.matcher(fileName);
        return m.find() ? m.group(1) : null;
    }

    public static boolean isImageName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0
                && !fileName.startsWith(".")
                && IMAGE_EXTENSIONS.contains(fileName.substring(dot).toLowerCase(Locale.ROOT));
    }

    /**
     * Spec §1.3: by the integer of the leading digits; folders without them after all others. The
     * reference keeps raw directory-listing order among equal keys (file-system dependent); here names are
     * sorted first so the order is deterministic (a documented departure).
     */
    public static List<String> orderClasses(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.naturalOrder());
        sorted.sort(Comparator.comparing(DatasetIngest::classKey)); // stable
        return sorted;
    }

    private static java.math.BigInteger classKey(String name) {
        Matcher m = LEADING_DIGITS.matcher(name);
        return m.find() ? new java.math.BigInteger(m.group(1)) : INFINITY;
    }

    private static final java.math.BigInteger INFINITY = java.math.BigInteger.TEN.pow(400);

    private static List<String> listNames(Path dir, boolean directories) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !directories || !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IOException(dir + ": cannot list folder (" + e.getClass().getSimpleName() + ")");
        }
    }
}
