package org.featmap.ml;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files written whole or not at all: the content goes to a temporary sibling, which is then renamed over the target
 * (one rename on the same file system). A reader or a crash sees the old file or the new one, never a part of one,
 * which is what makes a node's outputs, a store's manifests and a trainer's checkpoints safe to resume from. The
 * temporary name is hidden, unique per process and thread (two writers of one file never share it) and ends in
 * {@code .tmp}, which the feature-store writer's cleanup knows.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content to a stream. */
    @FunctionalInterface
    public interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    /** Writes the content to a file of its own (for writers that open a path, e.g. Arrow's or Jackson's). */
    @FunctionalInterface
    public interface FileBody {
        void write(Path tmp) throws IOException;
    }

    /** The temporary sibling a write of {@code file} goes through. */
    public static Path temporary(Path file) {
        return file.resolveSibling("." + file.getFileName() + "."
                + ProcessHandle.current().pid() + "." + Thread.currentThread().getId() + ".tmp");
    }

    public static void write(Path file, StreamBody body) throws IOException {
        writeVia(file, tmp -> {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                body.write(os);
            }
        });
    }

    public static void writeVia(Path file, FileBody body) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent);
        Path tmp = temporary(file);
        try {
            body.write(tmp);
            publish(tmp, file);
        } catch (IOException
                | RuntimeException e) { // not in a finally: a successful write costs no extra file-system call
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    public static void writeString(Path file, String text) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Renames {@code tmp} (a file, or a folder over a missing target) to {@code target} atomically, replacing a file. */
    public static void publish(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code target} hold {@code source}'s bytes: a hard link where the file system allows (no copy; safe because
     * every write here replaces a file with a new one instead of changing it in place), else a copy.
     */
    public static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING); // another file system: copy
        }
    }
}
