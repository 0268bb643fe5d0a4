package org.featmap.ml.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * Stanford Cars in the three shapes it is downloaded in (16,185 images, 196 classes, 8,144 / 8,041), found
 * under {@code --from} in this order:
 * <ol>
 *   <li>{@code cars_annos.mat} with {@code car_ims/}: struct array {@code annotations} (relative_im_path, class,
 *       test) and cell {@code class_names}; ids are the annotation numbers, which are the car_ims file numbers;
 *   <li>the devkit: {@code cars_meta.mat} (class_names), {@code cars_train_annos.mat} and
 *       {@code cars_test_annos_withlabels.mat} (fname, class; the devkit's own cars_test_annos.mat has no classes)
 *       with {@code cars_train/} and {@code cars_test/};
 *   <li>the common CSV redistribution: {@code anno_train.csv}, {@code anno_test.csv} (fname,x1,y1,x2,y2,class; a
 *       header row naming the file and class columns is also read) and {@code names.csv}, the images anywhere below.
 * </ol>
 * Train and test file names of the devkit and the CSVs overlap (both start at 00001.jpg), so there the ids are
 * the position in the train annotations, then the train count plus the position in the test annotations.
 * Bounding boxes are not used (the reference trains on whole images, spec §1.4).
 */
public final class CarsDownload {
    private CarsDownload() {}

    public static IngestPlan read(Path from) throws IOException {
        if (!Files.isDirectory(from)) throw new IOException(from + ": no such folder");
        FileIndex files = index(from);
        Path full = one(files, "cars_annos.mat");
        if (full != null) return full(from, full, files);
        Path meta = one(files, "cars_meta.mat");
        Path train = one(files, "cars_train_annos.mat");
        if (meta != null && train != null) {
            Path test = one(files, "cars_test_annos_withlabels.mat");
            if (test == null) {
                Path unlabelled = one(files, "cars_test_annos.mat");
                throw new IOException((unlabelled != null
                                ? unlabelled + ": has no class labels; "
                                : from + ": no cars_test_annos_withlabels.mat; ")
                        + "put cars_test_annos_withlabels.mat (published with the test labels) next to it");
            }
            return devkit(from, meta, train, test, files);
        }
        Path csvTrain = one(files, "anno_train.csv");
        Path csvTest = one(files, "anno_test.csv");
        Path names = one(files, "names.csv");
        if (csvTrain != null && csvTest != null && names != null) return csv(csvTrain, csvTest, names, files);
        throw new IOException(
                from + ": no Stanford Cars annotations found; expected cars_annos.mat (+ car_ims/), or the devkit's"
                        + " cars_meta.mat + cars_train_annos.mat + cars_test_annos_withlabels.mat (+ cars_train/, cars_test/), or anno_train.csv +"
                        + " anno_test.csv + names.csv");
    }

    // ---- the three formats ----

    private static IngestPlan full(Path from, Path mat, FileIndex files) throws IOException {
        try (Mat5File f = open(mat)) {
            List<String> names = classNames(f, mat);
            Struct a = struct(f, mat, "annotations", "relative_im_path", "class", "test");
            List<IngestPlan.Item> items = new ArrayList<>();
            for (int i = 0; i < a.getNumElements(); i++) {
                String rel = string(a.get("relative_im_path", i), mat, "relative_im_path", i);
                int cls = integer(a.get("class", i), mat, "class", i);
                int test = integer(a.get("test", i), mat, "test", i);
                if (test != 0 && test != 1)
                    throw new IOException(
                            mat + ": annotations(" + (i + 1) + ").test is " + test + "; allowed 0 (train) or 1 (test)");
                Path src = mat.resolveSibling(rel);
                if (!Files.isRegularFile(src) && Files.isRegularFile(from.resolve(rel))) src = from.resolve(rel);
                if (!Files.isRegularFile(src))
                    src = find(files, Path.of(rel).getFileName().toString(), null, src);
                items.add(new IngestPlan.Item(i + 1, test == 1 ? "test" : "train", cls, src));
            }
            return new IngestPlan("STANFORD_CARS", mat.toString(), names, items);
        }
    }

    private static IngestPlan devkit(Path from, Path meta, Path train, Path test, FileIndex files) throws IOException {
        List<String> names;
        try (Mat5File f = open(meta)) {
            names = classNames(f, meta);
        }
        List<IngestPlan.Item> items = new ArrayList<>();
        for (Path mat : List.of(train, test)) {
            String split = mat == train ? "train" : "test";
            try (Mat5File f = open(mat)) {
                Struct a = struct(f, mat, "annotations", "fname", "class");
                for (int i = 0; i < a.getNumElements(); i++) {
                    String fname = string(a.get("fname", i), mat, "fname", i);
                    items.add(new IngestPlan.Item(
                            items.size() + 1,
                            split,
                            integer(a.get("class", i), mat, "class", i),
                            find(
                                    files,
                                    fname,
                                    split,
                                    from.resolve("cars_" + split).resolve(fname))));
                }
            }
        }
        return new IngestPlan(
                "STANFORD_CARS", train + " + " + test.getFileName() + " + " + meta.getFileName(), names, items);
    }

    private static IngestPlan csv(Path train, Path test, Path namesCsv, FileIndex files) throws IOException {
        List<String> names = new ArrayList<>();
        for (String l : Files.readAllLines(namesCsv, StandardCharsets.UTF_8)) {
            String n = l.strip();
            if (n.startsWith("\"") && n.endsWith("\"") && n.length() >= 2)
                n = n.substring(1, n.length() - 1).replace("\"\"", "\"");
            if (!n.isEmpty()) names.add(n);
        }
        List<IngestPlan.Item> items = new ArrayList<>();
        for (Path file : List.of(train, test)) {
            String split = file == train ? "train" : "test";
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int fileCol = 0, classCol = -1, first = 0;
            if (!lines.isEmpty() && !isNumber(last(split(lines.get(0))))) { // a header row names the columns
                List<String> head = split(lines.get(0));
                fileCol = column(head, file, "fname", "filename", "file", "image", "relative_im_path", "path");
                classCol = column(head, file, "class", "class_id", "label");
                first = 1;
            }
            for (int i = first; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                List<String> row = split(lines.get(i));
                int c = classCol >= 0 ? classCol : row.size() - 1;
                if (row.size() <= Math.max(fileCol, c) || !isNumber(row.get(c)))
                    throw new IOException(file + ":" + (i + 1) + ": expected fname,x1,y1,x2,y2,class, found '"
                            + CubDownload.clip(lines.get(i)) + "'");
                String fname = Path.of(row.get(fileCol)).getFileName().toString();
                items.add(new IngestPlan.Item(
                        items.size() + 1,
                        split,
                        (int) Double.parseDouble(row.get(c)),
                        find(files, fname, split, file.resolveSibling(fname))));
            }
        }
        return new IngestPlan(
                "STANFORD_CARS", train + " + " + test.getFileName() + " + " + namesCsv.getFileName(), names, items);
    }

    // ---- MAT-file access (mfl-core) ----

    private static Mat5File open(Path mat) throws IOException {
        try {
            return Mat5.readFromFile(mat.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    mat + ": not a readable MATLAB 5 MAT file (" + e.getClass().getSimpleName()
                            + (e.getMessage() != null ? ": " + e.getMessage() : "") + ")",
                    e);
        }
    }

    private static List<String> classNames(Mat5File f, Path mat) throws IOException {
        Cell c;
        try {
            c = f.getCell("class_names");
        } catch (RuntimeException e) {
            throw new IOException(mat + ": no cell array 'class_names'");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < c.getNumElements(); i++)
            names.add(string(c.get(i), mat, "class_names", i).strip());
        return names;
    }

    private static Struct struct(Mat5File f, Path mat, String name, String... fields) throws IOException {
        Struct s;
        try {
            s = f.getStruct(name);
        } catch (RuntimeException e) {
            throw new IOException(mat + ": no struct array '" + name + "'");
        }
        for (String field : fields)
            if (!s.getFieldNames().contains(field))
                throw new IOException(mat + ": '" + name + "' has no field '" + field + "' (fields: "
                        + String.join(", ", s.getFieldNames()) + ")");
        return s;
    }

    private static String string(Array a, Path mat, String field, int i) throws IOException {
        if (a instanceof Char ch) return ch.getString();
        throw new IOException(mat + ": " + field + "(" + (i + 1) + ") is " + a.getType() + ", expected text");
    }

    private static int integer(Array a, Path mat, String field, int i) throws IOException {
        if (a instanceof Matrix m && m.getNumElements() == 1) {
            double v = m.getDouble(0);
            if (v == Math.rint(v)) return (int) v;
        }
        throw new IOException(mat + ": " + field + "(" + (i + 1) + ") is not a whole number");
    }

    // ---- finding image files ----

    /** Every file below {@code from}, by file name. */
    private record FileIndex(Path from, Map<String, List<Path>> byName) {}

    /** Indexes {@code from} (the downloads are at most a few levels deep). */
    private static FileIndex index(Path from) throws IOException {
        Map<String, List<Path>> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(from, 6)) {
            s.filter(Files::isRegularFile)
                    .sorted()
                    .forEach(p -> m.computeIfAbsent(p.getFileName().toString(), k -> new ArrayList<>())
                            .add(p));
        }
        return new FileIndex(from, m);
    }

    private static Path one(FileIndex files, String name) throws IOException {
        List<Path> l = files.byName().get(name);
        if (l == null) return null;
        if (l.size() > 1)
            throw new IOException("found " + l.size() + " files named " + name + " (" + l.get(0) + ", " + l.get(1)
                    + "); give --from the one folder");
        return l.get(0);
    }

    /** The image called {@code name}; where train and test share names, the one below a train/test folder of that split. */
    private static Path find(FileIndex files, String name, String split, Path fallback) throws IOException {
        List<Path> l = files.byName().getOrDefault(name, List.of());
        if (split != null && l.size() > 1)
            l = l.stream()
                    .filter(p -> inSplit(files.from().relativize(p), split))
                    .toList();
        if (l.size() == 1) return l.get(0);
        if (l.size() > 1)
            throw new IOException(
                    "image " + name + " of the " + split + " split is ambiguous: " + l.get(0) + ", " + l.get(1));
        return fallback; // missing: IngestPlan.validate names it
    }

    private static boolean inSplit(Path p, String split) {
        for (Path part : p) {
            String s = part.toString().toLowerCase(Locale.ROOT);
            if (s.equals(split) || s.equals("cars_" + split) || s.equals(split + "_images")) return true;
        }
        return false;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else cur.append(ch);
        }
        out.add(cur.toString().strip());
        return out;
    }

    private static String last(List<String> l) {
        return l.get(l.size() - 1);
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+(\\.\\d+)?");
    }

    private static int column(List<String> head, Path file, String... names) throws IOException {
        for (int i = 0; i < head.size(); i++)
            for (String n : names) if (head.get(i).equalsIgnoreCase(n)) return i;
        throw new IOException(file + ":1: header " + head + " has no column " + String.join(" / ", names));
    }
}
