package org.featmap.ml.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.featmap.core.contract.Progress;

/**
 * Lays an {@link IngestPlan} out as spec §1.2 wants: {@code <out>/images/<split>/<NNN>.<class>/<id>.<ext>} with
 * ids zero-padded to at least 5 digits (unique over the dataset; the digits before the extension are the id),
 * class folders ordered by their leading number as §1.3 sorts them, plus {@code <out>/classes.txt} (the class
 * names as the download spells them) and {@code <out>/ingest.csv} (id, split, class, source file), written last.
 *
 * <p>Idempotent: a file already in place (same size and modification time for copies, same target for links) is
 * left alone, anything else is replaced atomically; files under {@code <out>/images} that this ingest did not
 * write are listed, never deleted (DatasetIngest would read them).
 */
public final class IngestWriter {
    private IngestWriter() {}

    /** How each image gets into the layout. */
    public enum Mode {
        /** A copy (modification time kept): the layout stands alone. */
        COPY,
        /** An absolute symbolic link to the download: no space, the download must stay. */
        SYMLINK,
        /** A hard link: no space, same file system only. */
        HARDLINK;

        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + s + "' is not a link mode; allowed: copy, symlink, hardlink");
            }
        }
    }

    /** @param stale files under images/ that are not part of this ingest (left in place) */
    public record Result(Path out, int written, int unchanged, List<Path> stale) {}

    public static final String CLASSES = "classes.txt";
    public static final String INDEX = "ingest.csv";

    public static Result write(IngestPlan plan, Path out, Mode mode, Progress progress) throws IOException {
        plan.validate();
        progress = progress == null ? Progress.NONE : progress;
        int maxId = plan.items().stream().mapToInt(IngestPlan.Item::id).max().orElse(0);
        int digits = Math.max(5, Integer.toString(maxId).length());
        List<String> folders = new ArrayList<>();
        for (int i = 0; i < plan.classNames().size(); i++)
            folders.add(classFolder(
                    i + 1, plan.classNames().get(i), plan.classNames().size()));
        if (new HashSet<>(folders).size() != folders.size())
            throw new IOException(plan.read() + ": two class names give the same folder name; " + folders);
        Path images = out.resolve("images");
        Set<Path> wanted = new HashSet<>();
        StringBuilder index = new StringBuilder("id,split,class,class_name,source\n");
        int written = 0, unchanged = 0, done = 0;
        for (IngestPlan.Item it : plan.items()) {
            Path src = it.source().toAbsolutePath().normalize();
            String id = String.format("%0" + digits + "d", it.id());
            Path target = images.resolve(it.split())
                    .resolve(folders.get(it.classIndex() - 1))
                    .resolve(id + extension(src));
            wanted.add(target.toAbsolutePath().normalize());
            if (inPlace(src, target, mode)) unchanged++;
            else {
                place(src, target, mode);
                written++;
            }
            index.append(id)
                    .append(',')
                    .append(it.split())
                    .append(',')
                    .append(it.classIndex())
                    .append(',')
                    .append(csv(plan.classNames().get(it.classIndex() - 1)))
                    .append(',')
                    .append(csv(src.toString()))
                    .append('\n');
            progress.report(++done, plan.items().size(), null);
        }
        StringBuilder classes = new StringBuilder();
        for (int i = 0; i < plan.classNames().size(); i++)
            classes.append(i + 1).append(' ').append(plan.classNames().get(i)).append('\n');
        writeAtomically(out.resolve(CLASSES), classes.toString());
        writeAtomically(out.resolve(INDEX), index.toString());
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.walk(images)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))
                    .filter(p -> !wanted.contains(p.toAbsolutePath().normalize()))
                    .sorted()
                    .forEach(stale::add);
        }
        return new Result(out, written, unchanged, List.copyOf(stale));
    }

    /**
     * A class's folder: the download's own name when it already starts with its number (CUB: 001.Black_footed_Albatross),
     * else {@code <NNN>.<name>} with characters outside [A-Za-z0-9._-] replaced by '_' (Cars: "Ram C/V Cargo Van
     * Minivan 2012" → 196.Ram_C_V_Cargo_Van_Minivan_2012), so the §1.3 order by leading number is the class-id order.
     */
    static String classFolder(int index, String name, int classes) {
        if (name.matches("0*" + index + "\\.[^/\\\\]+") && !name.startsWith(".")) return name;
        int width = Math.max(3, Integer.toString(classes).length());
        String clean = name.trim().replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format("%0" + width + "d.%s", index, clean);
    }

    static String extension(Path src) {
        String n = src.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static boolean inPlace(Path src, Path target, Mode mode) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return false;
        return switch (mode) {
            case SYMLINK ->
                Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(src);
            case HARDLINK -> !Files.isSymbolicLink(target) && Files.isSameFile(src, target);
            case COPY ->
                !Files.isSymbolicLink(target)
                        && Files.size(target) == Files.size(src)
                        && Files.getLastModifiedTime(target).toMillis()
                                == Files.getLastModifiedTime(src).toMillis(); // copies keep ms, not ns
        };
    }

    private static void place(Path src, Path target, Mode mode) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        try {
            switch (mode) {
                case COPY -> Files.copy(src, tmp, StandardCopyOption.COPY_ATTRIBUTES);
                case SYMLINK -> Files.createSymbolicLink(tmp, src);
                case HARDLINK -> Files.createLink(tmp, src);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(
                    target + ": cannot " + mode.name().toLowerCase(Locale.ROOT) + " " + src + " ("
                            + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "")
                            + ")",
                    e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        org.featmap.ml.AtomicFiles.writeString(file, text);
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
