package org.featmap.ml.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CUB-200-2011 as CUB_200_2011.tgz unpacks: {@code images.txt} (image id, path below images/),
 * {@code image_class_labels.txt} (image id, class id), {@code train_test_split.txt} (image id, 1 = train) and
 * {@code classes.txt} (class id, folder name such as 001.Black_footed_Albatross). The official image ids
 * (1..11,788) become the dataset's ids; the official split is kept (5,994 / 5,794).
 */
public final class CubDownload {
    private CubDownload() {}

    public static final List<String> FILES =
            List.of("images.txt", "image_class_labels.txt", "train_test_split.txt", "classes.txt");

    /** The folder holding images.txt: {@code from} itself or {@code from/CUB_200_2011}. */
    static Path root(Path from) throws IOException {
        for (Path p : List.of(from, from.resolve("CUB_200_2011")))
            if (Files.isRegularFile(p.resolve("images.txt"))) return p;
        throw new IOException(
                from.resolve("images.txt") + ": missing (give the CUB_200_2011 folder of CUB_200_2011.tgz, which holds "
                        + String.join(", ", FILES) + " and images/)");
    }

    public static IngestPlan read(Path from) throws IOException {
        Path root = root(from);
        for (String f : FILES)
            if (!Files.isRegularFile(root.resolve(f)))
                throw new IOException(
                        root.resolve(f) + ": missing (CUB_200_2011 needs " + String.join(", ", FILES) + ")");
        Map<Integer, String> paths = pairs(root.resolve("images.txt"), "<image id> <path>");
        Map<Integer, String> labels = pairs(root.resolve("image_class_labels.txt"), "<image id> <class id>");
        Map<Integer, String> split = pairs(root.resolve("train_test_split.txt"), "<image id> <1 = train, 0 = test>");
        Map<Integer, String> classes = pairs(root.resolve("classes.txt"), "<class id> <class name>");
        List<String> names = new ArrayList<>();
        for (int c = 1; c <= classes.size(); c++) {
            String n = classes.get(c);
            if (n == null)
                throw new IOException(
                        root.resolve("classes.txt") + ": class ids are not 1.." + classes.size() + " (no " + c + ")");
            names.add(n);
        }
        List<IngestPlan.Item> items = new ArrayList<>();
        for (Map.Entry<Integer, String> e : paths.entrySet()) {
            int id = e.getKey();
            String label = labels.get(id);
            String s = split.get(id);
            if (label == null)
                throw new IOException(
                        root.resolve("image_class_labels.txt") + ": no class for image " + id + " of images.txt");
            if (s == null)
                throw new IOException(
                        root.resolve("train_test_split.txt") + ": no split for image " + id + " of images.txt");
            if (!s.equals("0") && !s.equals("1"))
                throw new IOException(root.resolve("train_test_split.txt") + ": image " + id + " has '" + s
                        + "'; allowed 1 (train) or 0 (test)");
            items.add(new IngestPlan.Item(
                    id,
                    s.equals("1") ? "train" : "test",
                    number(root.resolve("image_class_labels.txt"), label, id),
                    root.resolve("images").resolve(e.getValue())));
        }
        if (labels.size() != paths.size() || split.size() != paths.size())
            throw new IOException(root + ": images.txt lists " + paths.size() + " images, image_class_labels.txt "
                    + labels.size() + ", train_test_split.txt " + split.size() + "; they must list the same ids");
        return new IngestPlan("CUB_200_2011", root.resolve("images.txt").toString(), names, items);
    }

    private static int number(Path file, String s, int id) throws IOException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": image " + id + " has class '" + s + "', not a number");
        }
    }

    /** "<int> <rest>" per line, in file order; a malformed or repeated line is an error naming file and line. */
    static Map<Integer, String> pairs(Path file, String form) throws IOException {
        Map<Integer, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            int sp = line.indexOf(' ');
            int key;
            try {
                if (sp <= 0) throw new NumberFormatException();
                key = Integer.parseInt(line.substring(0, sp));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": expected '" + form + "', found '" + clip(line) + "'");
            }
            if (out.put(key, line.substring(sp + 1).strip()) != null)
                throw new IOException(file + ":" + (i + 1) + ": id " + key + " appears twice");
        }
        if (out.isEmpty()) throw new IOException(file + ": empty");
        return out;
    }

    static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
