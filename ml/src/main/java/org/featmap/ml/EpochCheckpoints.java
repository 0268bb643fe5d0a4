package org.featmap.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resumable epoch checkpoints of a stage with epochs, in the layout every such stage and the store's copy share
 * ({@code <root>/epoch-NNNN/} + {@code LATEST}; see activities' StoreCheckpoints): an epoch's folder is written in
 * a temporary folder, moved into place, then named by LATEST, so a crash at any point leaves the previous complete
 * checkpoint. After each commit the {@link Sink} is told (the activity adapter queues the upload to the store).
 */
public final class EpochCheckpoints {
    /** Told after an epoch's folder is committed (called on the training thread; must be quick). */
    @FunctionalInterface
    public interface Sink {
        void committed(int epoch, Path dir) throws IOException;
    }

    /** Writes an epoch's files into an empty folder. */
    @FunctionalInterface
    public interface Writer {
        void write(Path dir) throws IOException;
    }

    private static final String LATEST = "LATEST";
    private final Path root;
    private final Sink sink;

    /** @param root null: no checkpoints (a run that cannot resume) */
    public EpochCheckpoints(Path root, Sink sink) {
        this.root = root;
        this.sink = sink == null ? (e, d) -> {} : sink;
    }

    public static EpochCheckpoints none() {
        return new EpochCheckpoints(null, null);
    }

    public boolean enabled() {
        return root != null;
    }

    /** The folder LATEST names, if any. */
    public Optional<Path> latest() throws IOException {
        if (root == null || !Files.exists(root.resolve(LATEST))) return Optional.empty();
        Path d = root.resolve(Files.readString(root.resolve(LATEST)).trim());
        if (!Files.isDirectory(d))
            throw new IOException("checkpoint " + d + " named by " + root.resolve(LATEST) + " is missing");
        return Optional.of(d);
    }

    /**
     * Commits epoch {@code epoch}: writes, moves into place, names it LATEST, drops older epochs, tells the sink.
     *
     * @return the committed folder, or null without checkpoints
     */
    public Path commit(int epoch, Writer writer) throws IOException {
        if (root == null) return null;
        String name = String.format("epoch-%04d", epoch);
        Path tmp = root.resolve(name + ".tmp"), dir = root.resolve(name);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        writer.write(tmp);
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.writeString(root.resolve(LATEST), name);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                if (f.startsWith("epoch-") && !f.equals(name) && !f.endsWith(".fetch")) deleteTree(p);
            }
        }
        sink.committed(epoch, dir);
        return dir;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
