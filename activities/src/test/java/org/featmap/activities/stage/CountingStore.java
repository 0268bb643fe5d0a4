package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;

/**
 * A store that behaves like a remote one (it is not a {@link LocalArtifactStore}, so nodes fetch their
 * inputs through the worker's input cache) and counts the artifact bytes read through it.
 */
final class CountingStore implements ArtifactStore {
    final LocalArtifactStore inner;
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicLong artifactBytesRead = new AtomicLong();
    final AtomicInteger manifestReads = new AtomicInteger();

    CountingStore(LocalArtifactStore inner) {
        this.inner = inner;
    }

    @Override
    public String uri() {
        return inner.uri();
    }

    @Override
    public ArtifactRef put(String stage, String key, String rel, Path source) throws IOException {
        return inner.put(stage, key, rel, source);
    }

    @Override
    public ArtifactRef putBytes(String stage, String key, String rel, byte[] bytes) throws IOException {
        return inner.putBytes(stage, key, rel, bytes);
    }

    @Override
    public Path fetch(ArtifactRef ref, Path target) throws IOException {
        fetches.incrementAndGet();
        artifactBytesRead.addAndGet(ref.bytes());
        Path tmp = target.resolveSibling(".fetch-" + target.getFileName() + ".part");
        Files.createDirectories(target.getParent());
        inner.fetch(ref, tmp); // verifies size and sha256, like the S3 store's streaming fetch
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public byte[] readBytes(ArtifactRef ref) throws IOException {
        artifactBytesRead.addAndGet(ref.bytes());
        return inner.readBytes(ref);
    }

    @Override
    public void commit(NodeManifest m) throws IOException {
        inner.commit(m);
    }

    @Override
    public Optional<NodeManifest> manifest(String stage, String key) throws IOException {
        manifestReads.incrementAndGet();
        return inner.manifest(stage, key);
    }

    @Override
    public void delete(String stage, String key) throws IOException {
        inner.delete(stage, key);
    }

    @Override
    public List<String> list(String stage, String key) throws IOException {
        return inner.list(stage, key);
    }

    final AtomicInteger nodeListings = new AtomicInteger();
    final AtomicInteger stageListings = new AtomicInteger();

    @Override
    public Map<String, Long> sizes(String stage, String key) throws IOException {
        nodeListings.incrementAndGet();
        return inner.sizes(stage, key);
    }

    /** Answers like a store that lists a stage at once (S3ArtifactStore from 64 keys). */
    @Override
    public Map<String, Map<String, Long>> sizes(String stage, java.util.Collection<String> keys) throws IOException {
        stageListings.incrementAndGet();
        Map<String, Map<String, Long>> out = new java.util.HashMap<>();
        for (String k : keys) out.put(k, inner.sizes(stage, k));
        return out;
    }
}
