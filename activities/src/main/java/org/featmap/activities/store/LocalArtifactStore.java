package org.featmap.activities.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;

/**
 * The store in a local folder: {@code <root>/<stage>/<key>/<files>} and {@code manifest.json}
 * written last. Every write goes to a temporary file in the same folder and is renamed into place,
 * so a crash leaves either the old state or the new, never half a file.
 */
public final class LocalArtifactStore implements ArtifactStore {
    public static final String MANIFEST = "manifest.json";
    private final Path root;

    public LocalArtifactStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    public Path root() {
        return root;
    }

    /** The folder of a node, where its committed files live. */
    public Path nodeDir(String stage, String key) {
        StorePaths.checkStageKey(stage, key);
        return root.resolve(stage).resolve(key);
    }

    @Override
    public String uri() {
        return root.toUri().toString();
    }

    private Path target(String stage, String key, String relativePath) {
        String rel = StorePaths.checkRelative(relativePath);
        if (rel.equals(MANIFEST))
            throw new IllegalArgumentException("'" + MANIFEST + "' is reserved for the commit marker");
        return nodeDir(stage, key).resolve(rel);
    }

    @Override
    public ArtifactRef put(String stage, String key, String relativePath, Path source) throws IOException {
        Path t = target(stage, key, relativePath);
        Files.createDirectories(t.getParent());
        Path tmp = t.resolveSibling("." + t.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        String sha = Sha256.ofFile(tmp);
        move(tmp, t);
        return new ArtifactRef(t.toUri().toString(), sha, Files.size(t));
    }

    /** Moves a file produced on the same disk into the node without copying. */
    public ArtifactRef adopt(String stage, String key, String relativePath, Path source) throws IOException {
        Path t = target(stage, key, relativePath);
        Files.createDirectories(t.getParent());
        String sha = Sha256.ofFile(source);
        if (!source.toAbsolutePath().normalize().equals(t)) move(source, t);
        return new ArtifactRef(t.toUri().toString(), sha, Files.size(t));
    }

    @Override
    public ArtifactRef putBytes(String stage, String key, String relativePath, byte[] bytes) throws IOException {
        Path t = target(stage, key, relativePath);
        writeAtomically(t, bytes);
        return new ArtifactRef(t.toUri().toString(), Sha256.hex(bytes), bytes.length);
    }

    private static void writeAtomically(Path t, byte[] bytes) throws IOException {
        Files.createDirectories(t.getParent());
        Path tmp = t.resolveSibling("." + t.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, bytes);
        move(tmp, t);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The local file behind a reference of this store. */
    public Path pathOf(ArtifactRef ref) {
        Path p = Path.of(java.net.URI.create(ref.uri())).toAbsolutePath().normalize();
        if (!p.startsWith(root))
            throw new IllegalArgumentException("artifact " + ref.uri() + " is not in store " + uri());
        return p;
    }

    @Override
    public Path fetch(ArtifactRef ref, Path target) throws IOException {
        Path p = pathOf(ref);
        verify(ref, p);
        if (target == null) return p;
        Files.createDirectories(target.getParent());
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void verify(ArtifactRef ref) throws IOException {
        verify(ref, pathOf(ref));
    }

    /** Checks size and sha256 of a stored file against its reference. */
    public void verify(ArtifactRef ref, Path p) throws IOException {
        if (!Files.exists(p)) throw new CorruptArtifactException(ref, "<missing>");
        if (Files.size(p) != ref.bytes()) throw new CorruptArtifactException(ref, "<size " + Files.size(p) + ">");
        String sha = Sha256.ofFile(p);
        if (!sha.equals(ref.sha256())) throw new CorruptArtifactException(ref, sha);
    }

    /** Files verified by this process: (path, size, mtime, sha256). Bounded; cleared when full. */
    private static final java.util.Set<String> VERIFIED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Verifies a stored file once per process (issue #13 item 2: the hash is checked where the bytes are
     * read, not by re-reading the store at every launch): a file whose size or modification time changed
     * since is hashed again.
     */
    public void verifyOnce(ArtifactRef ref) throws IOException {
        Path p = pathOf(ref);
        if (!Files.exists(p)) throw new CorruptArtifactException(ref, "<missing>");
        String id = p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "|" + ref.sha256();
        if (VERIFIED.contains(id)) return;
        verify(ref, p);
        if (VERIFIED.size() > 200_000) VERIFIED.clear();
        VERIFIED.add(id);
    }

    @Override
    public byte[] readBytes(ArtifactRef ref) throws IOException {
        Path p = pathOf(ref);
        byte[] b;
        try {
            b = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new CorruptArtifactException(ref, "<missing>");
        }
        String sha = Sha256.hex(b);
        if (!sha.equals(ref.sha256())) throw new CorruptArtifactException(ref, sha);
        return b;
    }

    @Override
    public void commit(NodeManifest manifest) throws IOException {
        writeAtomically(nodeDir(manifest.stage(), manifest.key()).resolve(MANIFEST), ManifestJson.write(manifest));
    }

    @Override
    public Optional<NodeManifest> manifest(String stage, String key) throws IOException {
        Path m = nodeDir(stage, key).resolve(MANIFEST);
        if (!Files.exists(m)) return Optional.empty();
        return Optional.of(ManifestJson.read(Files.readAllBytes(m), m.toString()));
    }

    @Override
    public void delete(String stage, String key) throws IOException {
        Path dir = nodeDir(stage, key);
        Path m = dir.resolve(MANIFEST);
        Files.deleteIfExists(m); // un-commit first, so a crash during the delete leaves no "finished" node
        deleteTree(dir);
    }

    /** Deletes a folder and everything in it; a missing folder is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public java.util.Map<String, Long> sizes(String stage, String key) throws IOException {
        Path dir = nodeDir(stage, key);
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (!Files.exists(dir)) return out;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.equals(MANIFEST) || rel.endsWith(".tmp")) continue;
                try {
                    out.put(rel, Files.size(p));
                } catch (NoSuchFileException e) {
                    // removed while listing (a concurrent delete): not there
                }
            }
        }
        return out;
    }

    @Override
    public List<String> list(String stage, String key) throws IOException {
        Path dir = nodeDir(stage, key);
        if (!Files.exists(dir)) return List.of();
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals(MANIFEST) && !p.endsWith(".tmp"))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }
}
