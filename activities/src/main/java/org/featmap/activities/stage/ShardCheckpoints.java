package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.featmap.core.contract.Progress;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.ml.features.FeatureStoreWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The complete shards of an extraction, copied to the sweep's store as they are finished, so a retry on another host
 * resumes after them instead of extracting the node again (issue #14 item 1). Extraction writes
 * {@code <layer>/<partition>/part-N.arrow} (or {@code <layer>/part-N.arrow}, one store per layer) once and never again (its row index {@code part-N.json} first, then the shard is renamed
 * into place), so a shard needs no slots: the pseudo-node {@code checkpoints/extract-<key>/} accumulates the files, and
 * its manifest, rewritten after each shard, lists only files that are up.
 *
 * <p>Uploads run on one background thread, woken by the extraction's progress reports; the extraction never waits for
 * them. A failed upload is logged and tried again at the next report. Restoring fetches, per layer, the store's shards
 * after the ones this host still has, in order, each checked against its sha256; a shard that fails it ends that
 * layer's restore there (the extraction redoes it and everything after). The cost is a second upload of the feature
 * bytes (the node's commit uploads them again); deleted when the node commits, like the epoch checkpoints.
 */
public final class ShardCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCheckpoints.class);
    private static final String SHARD_SUFFIX = ".arrow";

    private final ArtifactStore store;
    private final String key;
    private final Path features;
    private final ExecutorService uploader;
    private final Map<String, ArtifactRef> uploaded = new TreeMap<>();
    private final Object lock = new Object();
    private boolean scanQueued;
    private volatile boolean closed;
    private volatile int shardsUp;
    private long bytes;
    private double seconds;
    private int failed;

    ShardCheckpoints(ArtifactStore store, String pseudoKey, Path features, Map<String, ArtifactRef> already) {
        this.store = store;
        this.key = pseudoKey;
        this.features = features;
        this.uploaded.putAll(already);
        this.shardsUp = (int)
                already.keySet().stream().filter(n -> n.endsWith(SHARD_SUFFIX)).count();
        this.uploader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shard-checkpoints-" + pseudoKey.substring(0, Math.min(24, pseudoKey.length())));
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * For an extraction about to run into {@code features} ({@code <layer>/part-N.arrow}): brings the store's shards this
     * host lacks into it and returns the uploader for the shards to come. Close it before moving {@code features}.
     */
    public static ShardCheckpoints forNode(StageContext ctx, Path features) throws IOException {
        String pseudo = StoreCheckpoints.nodeKey(ctx.task().stage(), ctx.task().key());
        Map<String, ArtifactRef> index = restore(ctx.store(), pseudo, features);
        return new ShardCheckpoints(ctx.store(), pseudo, features, index);
    }

    /** The node's progress: every report wakes the uploader, and carries the number of shards in the store. */
    public Progress beating(Progress p) {
        return (done, total, token) -> {
            queueScan();
            int n = shardsUp;
            String t = token == null ? "" : token;
            p.report(done, total, n == 0 ? t : t + " store=" + StoreCheckpoints.STAGE + "/" + key + "@" + n + "shards");
        };
    }

    /** Shards (all layers) whose upload finished. */
    public int shardsUploaded() {
        return shardsUp;
    }

    public long bytesUploaded() {
        synchronized (lock) {
            return bytes;
        }
    }

    public double uploadSeconds() {
        synchronized (lock) {
            return seconds;
        }
    }

    public int failedUploads() {
        synchronized (lock) {
            return failed;
        }
    }

    void queueScan() {
        synchronized (lock) {
            if (scanQueued || closed) return;
            scanQueued = true;
        }
        uploader.submit(this::scan);
    }

    /** Uploads every complete shard not yet in the index, in order, then the index. */
    private void scan() {
        synchronized (lock) {
            scanQueued = false;
        }
        try {
            if (!Files.isDirectory(features)) return;
            List<Path> stores; // every folder below features that holds shards: <layer>/<manipulation partition>/
            try (Stream<Path> s = Files.walk(features)) {
                stores = s.filter(p ->
                                Files.isDirectory(p) && Files.exists(p.resolve(FeatureStoreWriter.shardFileName(0))))
                        .sorted()
                        .toList();
            }
            for (Path store : stores) {
                String rel = features.relativize(store).toString().replace(java.io.File.separatorChar, '/');
                for (int i = 0; !closed; i++) {
                    String shard = FeatureStoreWriter.shardFileName(i), index = FeatureStoreWriter.indexFileName(i);
                    Path arrow = store.resolve(shard);
                    if (!Files.exists(arrow)) break; // renamed into place after its index: a visible shard is whole
                    String name = rel + "/" + shard;
                    if (uploaded.containsKey(name)) continue;
                    long t0 = System.nanoTime();
                    Map<String, ArtifactRef> add = new LinkedHashMap<>();
                    String indexName = rel + "/" + index;
                    add.put(indexName, this.store.put(StoreCheckpoints.STAGE, key, indexName, store.resolve(index)));
                    add.put(name, this.store.put(StoreCheckpoints.STAGE, key, name, arrow));
                    uploaded.putAll(add);
                    this.store.commit(new NodeManifest(
                            StoreCheckpoints.STAGE,
                            key,
                            1,
                            Map.copyOf(uploaded),
                            Map.of("kind", "shards"),
                            List.of(),
                            0));
                    shardsUp++;
                    synchronized (lock) {
                        for (ArtifactRef r : add.values()) bytes += r.bytes();
                        seconds += (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                failed++;
            }
            if (!closed)
                LOG.warn(
                        "{}: shard checkpoint not uploaded to the store ({}); the next progress report tries again",
                        key,
                        e.getMessage());
        }
    }

    /** Waits (at most {@code seconds}) until the scans queued so far have run. */
    void flush(long seconds) throws Exception {
        uploader.submit(() -> {}).get(seconds, TimeUnit.SECONDS);
    }

    /**
     * Stops scanning and lets an upload in flight finish (bounded): after this returns, nothing reads {@code features}.
     */
    @Override
    public void close() {
        closed = true;
        uploader.shutdown();
        try {
            if (!uploader.awaitTermination(2, TimeUnit.MINUTES)) uploader.shutdownNow();
        } catch (InterruptedException e) {
            uploader.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Per layer, fetches the store's shards after the ones {@code features} holds, in order (index first, then the shard,
     * moved into place as the writer does). Returns the index entries that this host now also holds, which the uploader
     * will not send again.
     */
    static Map<String, ArtifactRef> restore(ArtifactStore store, String pseudoKey, Path features) throws IOException {
        Optional<NodeManifest> m = store.manifest(StoreCheckpoints.STAGE, pseudoKey);
        if (m.isEmpty()) return Map.of();
        Map<String, ArtifactRef> kept = new TreeMap<>();
        Map<String, Map<Integer, String>> byLayer = new TreeMap<>();
        for (String name :
                m.get().artifacts().keySet()) { // <store folder>/<part-N.arrow>, the folder <layer>[/<partition>]
            int slash = name.lastIndexOf('/');
            if (slash > 0 && name.endsWith(SHARD_SUFFIX))
                byLayer.computeIfAbsent(name.substring(0, slash), k -> new TreeMap<>())
                        .put(shardNumber(name.substring(slash + 1)), name.substring(slash + 1));
        }
        int fetched = 0;
        for (Map.Entry<String, Map<Integer, String>> layer : byLayer.entrySet()) {
            Path dir = features.resolve(layer.getKey());
            Files.createDirectories(dir);
            for (int i = 0; layer.getValue().containsKey(i); i++) {
                String shard = FeatureStoreWriter.shardFileName(i), index = FeatureStoreWriter.indexFileName(i);
                ArtifactRef arrowRef = m.get().artifacts().get(layer.getKey() + "/" + shard);
                ArtifactRef indexRef = m.get().artifacts().get(layer.getKey() + "/" + index);
                if (indexRef == null) break;
                if (!Files.exists(dir.resolve(shard))) {
                    try {
                        store.fetch(indexRef, dir.resolve(index + ".fetch"));
                        store.fetch(arrowRef, dir.resolve(shard + ".fetch"));
                    } catch (CorruptArtifactException | java.io.FileNotFoundException e) {
                        LOG.warn(
                                "{}: store shard {}/{} is unusable ({}); extraction redoes it and the shards after it",
                                pseudoKey,
                                layer.getKey(),
                                shard,
                                e.getMessage());
                        Files.deleteIfExists(dir.resolve(index + ".fetch"));
                        Files.deleteIfExists(dir.resolve(shard + ".fetch"));
                        break;
                    }
                    Files.move(
                            dir.resolve(index + ".fetch"),
                            dir.resolve(index),
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    Files.move(dir.resolve(shard + ".fetch"), dir.resolve(shard), StandardCopyOption.ATOMIC_MOVE);
                    fetched++;
                }
                kept.put(layer.getKey() + "/" + index, indexRef);
                kept.put(layer.getKey() + "/" + shard, arrowRef);
            }
        }
        // WARN: the worker's quiet log shows it; a resume from the store means this host took over another's work
        if (fetched > 0) LOG.warn("{}: resuming extraction with {} shard(s) from the store", pseudoKey, fetched);
        return kept;
    }

    /** N of {@code part-N.arrow}, or -1 for a name of another form. */
    private static int shardNumber(String file) {
        try {
            return Integer.parseInt(file.substring("part-".length(), file.length() - SHARD_SUFFIX.length()));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
