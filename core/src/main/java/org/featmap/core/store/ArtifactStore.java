package org.featmap.core.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content-keyed storage of node outputs. A node's files live under {@code <stage>/<key>/}; the
 * manifest is written last and is the commit marker: a node without a manifest is not finished,
 * whatever files it left behind (ARCHITECTURE invariant 4).
 *
 * <p>Implementations: a local folder and S3 (activities module). Paths inside a node are relative,
 * '/'-separated, and may not escape the node folder.
 */
public interface ArtifactStore extends AutoCloseable {

    /** The URI this store was opened from, e.g. {@code file:/data/featmap} or {@code s3://bucket/prefix}. */
    String uri();

    /** Uploads (or atomically moves into place) one file of a node and returns its reference. */
    ArtifactRef put(String stage, String key, String relativePath, Path source) throws IOException;

    /** Writes small bytes (JSON, CSV) as one file of a node, atomically. */
    ArtifactRef putBytes(String stage, String key, String relativePath, byte[] bytes) throws IOException;

    /**
     * Copies a stored file to {@code target} (or returns a local path where the store is local),
     * verifying its sha256 against the reference; a mismatch is a {@link CorruptArtifactException}.
     */
    Path fetch(ArtifactRef ref, Path target) throws IOException;

    /**
     * Reads a stored file through and checks its size and sha256 without keeping it ({@code featmap
     * verify}); a mismatch is a {@link CorruptArtifactException}. The default fetches to a temporary file.
     */
    default void verify(ArtifactRef ref) throws IOException {
        Path tmp = java.nio.file.Files.createTempFile("featmap-verify-", ".bin");
        try {
            fetch(ref, tmp);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /** Reads a stored file's bytes, verifying its sha256 (small files only: JSON, CSV). */
    byte[] readBytes(ArtifactRef ref) throws IOException;

    /** Commits a node: writes its manifest last. */
    void commit(NodeManifest manifest) throws IOException;

    /** The committed manifest of a node, if there is one. */
    Optional<NodeManifest> manifest(String stage, String key) throws IOException;

    /** Removes a node's files and manifest (used when a cached artifact is found corrupt). */
    void delete(String stage, String key) throws IOException;

    /** Lists relative paths of files stored for a node (committed or not). */
    List<String> list(String stage, String key) throws IOException;

    /**
     * The sizes of the files stored for a node (relative path -> bytes, manifest excluded), from one
     * listing: what a launch's cache check compares with the manifest instead of reading any bytes.
     */
    Map<String, Long> sizes(String stage, String key) throws IOException;

    /**
     * {@link #sizes(String, String)} of many nodes of one stage (key -> relative path -> bytes; a key without files maps
     * to an empty map). A remote store may answer from one paginated listing of the stage instead of a listing per node
     * (the launch's cache check: a request per 1,000 files instead of one per node); the default lists node by node.
     */
    default Map<String, Map<String, Long>> sizes(String stage, java.util.Collection<String> keys) throws IOException {
        Map<String, Map<String, Long>> out = new java.util.HashMap<>();
        for (String k : keys) out.put(k, sizes(stage, k));
        return out;
    }

    @Override
    default void close() throws IOException {}
}
