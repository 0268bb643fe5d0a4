package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epoch checkpoints of a node in the sweep's artifact store, so a retry on any host resumes (issue #14 item 1).
 * Scratch is host-local (a Kubernetes {@code emptyDir}); the store is what every host shares.
 *
 * <p>Layout, through the plain {@link ArtifactStore} interface (put a file, fetch to a file, commit, delete), so
 * it follows whatever the store does for large files: the pseudo-node {@code checkpoints/<stage>-<key>/} holds
 * {@code keep + 1} rotating slots {@code slot-K/<files>}; epoch e goes to slot {@code e mod (keep + 1)}. Its manifest is
 * the index: for each of the last {@code keep} uploaded epochs, the refs (sha256, size) of its files. A slot is
 * dropped from the index before it is overwritten and added back after its files are up, so the index never
 * names a half-written checkpoint; a file that still fails its sha256 (a corrupt store, a torn write) makes the
 * reader skip that checkpoint with a warning and take the one before, or start from scratch.
 *
 * <p>Uploads run on one background thread: the training thread only hard-links the files it just wrote into a
 * staging folder (the trainer deletes the previous epoch's folder on its next checkpoint). If an upload is still
 * running when the next checkpoint comes, the waiting one is replaced by the newer (only the latest matters).
 * A failed upload is logged and counted, never fatal: the local checkpoint still lets this host resume, and the next
 * epoch's upload tries again. When the node commits, its checkpoints are deleted ({@link #afterCommit}).
 */
public final class StoreCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCheckpoints.class);
    /** The pseudo-stage under which checkpoints live in the store. */
    public static final String STAGE = "checkpoints";
    /** Stages that write store checkpoints (and whose commit deletes them). */
    public static final java.util.Set<String> STAGES =
            java.util.Set.of("train", "finetune", "reconstruct", "extract"); // extract: ShardCheckpoints

    private final ArtifactStore store;
    private final String key;
    private final int keep;
    private final Path staging;
    private final ExecutorService uploader;
    private final Object lock = new Object();
    private Future<?> pending; // waiting or running
    private Staged waiting; // not started yet: replaced by a newer checkpoint
    private volatile String latest; // the reference heartbeats carry
    private final Stats stats = new Stats();

    /** What the uploads cost (for the node summary and BENCHMARKS.md). */
    public static final class Stats {
        public int checkpoints, uploaded, failed, superseded;
        public long bytes;
        public double uploadSeconds, criticalSeconds;
    }

    private record Staged(int epoch, Path dir) {}

    /** One resumable state found in the store. */
    public record Entry(int epoch, int slot, Map<String, ArtifactRef> files) {}

    /**
     * @param stage the node's stage, {@code key} its content key
     * @param keep good checkpoints kept in the store (at least 1)
     * @param staging a host-local folder for hard links of the files being uploaded
     */
    public StoreCheckpoints(ArtifactStore store, String stage, String key, int keep, Path staging) {
        if (keep < 1) throw new IllegalArgumentException("checkpoint keep " + keep + ": must be >= 1");
        this.store = store;
        this.key = nodeKey(stage, key);
        this.keep = keep;
        this.staging = staging;
        this.uploader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-upload-" + key.substring(0, Math.min(8, key.length())));
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * For a node about to compute: makes {@code localDir} hold the newest good checkpoint (this host's or the store's,
     * {@link #restore}) and returns the uploader for the epochs to come. Close it when the computation ends.
     */
    public static StoreCheckpoints forNode(StageContext ctx, Path localDir) throws IOException {
        restore(ctx.store(), ctx.task().stage(), ctx.task().key(), localDir, ctx.checkpoint());
        return new StoreCheckpoints(
                ctx.store(),
                ctx.task().stage(),
                ctx.task().key(),
                keepFromEnv(),
                ctx.scratchDir().resolve("upload"));
    }

    /** The node's progress with the store reference of the latest uploaded checkpoint in every heartbeat. */
    public org.featmap.core.contract.Progress beating(org.featmap.core.contract.Progress p) {
        return (done, total, token) -> p.report(done, total, beat(token == null ? "" : token));
    }

    /** The pseudo-node of a node's checkpoints: {@code <stage>-<key>}. */
    public static String nodeKey(String stage, String key) {
        return stage + "-" + key;
    }

    /** How many good checkpoints a worker keeps: FEATMAP_CHECKPOINT_KEEP (default 2). */
    public static int keepFromEnv() {
        return Integer.parseInt(System.getenv().getOrDefault("FEATMAP_CHECKPOINT_KEEP", "2"));
    }

    /**
     * Called on the training thread right after the trainer committed {@code dir}: links its files into staging
     * (milliseconds) and queues the upload.
     */
    public void onCheckpoint(int epoch, Path dir) throws IOException {
        long t0 = System.nanoTime();
        Path target = staging.resolve(String.format("epoch-%04d", epoch));
        LocalStoreFiles.deleteTree(target);
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                org.featmap.ml.AtomicFiles.linkOrCopy(
                        f, target.resolve(f.getFileName().toString()));
            }
        }
        synchronized (lock) {
            if (waiting != null) {
                LocalStoreFiles.deleteTree(waiting.dir());
                stats.superseded++;
            }
            waiting = new Staged(epoch, target);
            if (pending == null) pending = uploader.submit(this::drain);
            stats.checkpoints++;
            stats.criticalSeconds += (System.nanoTime() - t0) / 1e9;
        }
    }

    private void drain() {
        while (true) {
            Staged s;
            synchronized (lock) {
                s = waiting;
                waiting = null;
                if (s == null) {
                    pending = null; // under the lock: a checkpoint queued after this point starts a new drain
                    return;
                }
            }
            long t0 = System.nanoTime();
            try {
                long bytes = upload(s);
                synchronized (lock) {
                    stats.uploaded++;
                    stats.bytes += bytes;
                    stats.uploadSeconds += (System.nanoTime() - t0) / 1e9;
                }
            } catch (IOException | RuntimeException e) {
                synchronized (lock) {
                    stats.failed++;
                }
                LOG.warn(
                        "{}: checkpoint of epoch {} not uploaded to the store ({}); the next epoch's upload tries again",
                        key,
                        s.epoch(),
                        e.getMessage());
            } finally {
                try {
                    LocalStoreFiles.deleteTree(s.dir());
                } catch (IOException e) {
                    LOG.warn("{}: could not remove {}: {}", key, s.dir(), e.getMessage());
                }
            }
        }
    }

    private long upload(Staged s) throws IOException {
        int slot = s.epoch() % (keep + 1);
        List<Entry> entries = new ArrayList<>(entries());
        entries.removeIf(e -> e.slot() == slot || e.epoch() >= s.epoch());
        writeIndex(entries); // the slot leaves the index before it is overwritten
        Map<String, ArtifactRef> files = new TreeMap<>();
        long bytes = 0;
        try (Stream<Path> st = Files.list(s.dir())) {
            for (Path f : st.sorted().toList()) {
                String name = f.getFileName().toString();
                ArtifactRef r = store.put(STAGE, key, "slot-" + slot + "/" + name, f);
                files.put(name, r);
                bytes += r.bytes();
            }
        }
        entries.add(new Entry(s.epoch(), slot, files));
        entries.sort(Comparator.comparingInt(Entry::epoch));
        while (entries.size() > keep) entries.remove(0);
        writeIndex(entries);
        latest = key + "/slot-" + slot + "@" + s.epoch();
        return bytes;
    }

    /** The reference of the latest uploaded checkpoint ({@code <stage>-<key>/slot-K@epoch}), or null before the first. */
    public String latest() {
        return latest;
    }

    /** Heartbeat text: the trainer's own token plus the store reference of the latest uploaded checkpoint. */
    public String beat(String token) {
        String l = latest;
        return l == null ? token : token + " store=" + STAGE + "/" + l;
    }

    public Stats stats() {
        synchronized (lock) {
            return stats;
        }
    }

    /** Waits for the upload in flight (and the one waiting) to finish; at most {@code seconds}. */
    public void flush(long seconds) throws InterruptedException {
        Future<?> f;
        synchronized (lock) {
            f = pending;
        }
        if (f == null) return;
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("{}: checkpoint upload did not finish: {}", key, e.getMessage());
        }
    }

    /** Drops a waiting upload, lets a running one finish (bounded) and stops the thread. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (waiting != null) LocalStoreFiles.deleteTree(waiting.dir());
            waiting = null;
        }
        uploader.shutdown();
        try {
            if (!uploader.awaitTermination(2, TimeUnit.MINUTES)) uploader.shutdownNow();
        } catch (InterruptedException e) {
            uploader.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- the index ----

    private List<Entry> entries() throws IOException {
        return entries(store, key);
    }

    /** The checkpoints the index lists for pseudo-node {@code <stage>-<key>}, oldest first. */
    public static List<Entry> entries(ArtifactStore store, String pseudoKey) throws IOException {
        Optional<NodeManifest> m = store.manifest(STAGE, pseudoKey);
        if (m.isEmpty()) return List.of();
        Map<Integer, Map<String, ArtifactRef>> files = new TreeMap<>();
        Map<Integer, Integer> slots = new TreeMap<>();
        for (Map.Entry<String, ArtifactRef> e : m.get().artifacts().entrySet()) {
            // names: e<epoch>.s<slot>/<file>
            String[] p = e.getKey().split("/", 2);
            int dot = p[0].indexOf(".s");
            int epoch = Integer.parseInt(p[0].substring(1, dot));
            slots.put(epoch, Integer.parseInt(p[0].substring(dot + 2)));
            files.computeIfAbsent(epoch, k -> new TreeMap<>()).put(p[1], e.getValue());
        }
        List<Entry> out = new ArrayList<>();
        files.forEach((epoch, f) -> out.add(new Entry(epoch, slots.get(epoch), f)));
        return out;
    }

    private void writeIndex(List<Entry> entries) throws IOException {
        Map<String, ArtifactRef> a = new LinkedHashMap<>();
        List<String> epochs = new ArrayList<>();
        for (Entry e : entries) {
            epochs.add(String.valueOf(e.epoch()));
            e.files().forEach((n, r) -> a.put(String.format("e%04d.s%d/%s", e.epoch(), e.slot(), n), r));
        }
        store.commit(new NodeManifest(STAGE, key, 1, a, Map.of("epochs", String.join(",", epochs)), List.of(), 0));
    }

    // ---- resume ----

    /**
     * Makes {@code localDir} (the trainer's checkpoint folder: {@code epoch-NNNN/} + {@code LATEST}) hold the newest
     * good checkpoint of the node: the local one if it is at least as new as the store's, else the newest store
     * checkpoint whose files pass their sha256 (a failing one is skipped with a warning). Returns the epoch the trainer
     * will resume after, or -1 to start from scratch.
     *
     * @param heartbeat the previous attempt's last heartbeat text (logged against what the store holds), or null
     */
    public static int restore(ArtifactStore store, String stage, String nodeKey, Path localDir, String heartbeat)
            throws IOException {
        String key = nodeKey(stage, nodeKey);
        int local = localEpoch(localDir);
        List<Entry> entries = new ArrayList<>(entries(store, key));
        entries.sort(Comparator.comparingInt(Entry::epoch).reversed());
        if (heartbeat != null && heartbeat.contains(" store="))
            LOG.info("{}: the previous attempt's last heartbeat: {}", key, heartbeat);
        for (Entry e : entries) {
            if (e.epoch() <= local) break; // this host's own checkpoint is as new
            String name = String.format("epoch-%04d", e.epoch());
            Path tmp = localDir.resolve(name + ".fetch");
            LocalStoreFiles.deleteTree(tmp);
            try {
                for (Map.Entry<String, ArtifactRef> f : e.files().entrySet())
                    store.fetch(f.getValue(), tmp.resolve(f.getKey()));
            } catch (CorruptArtifactException | java.io.FileNotFoundException ex) {
                LOG.warn(
                        "{}: store checkpoint of epoch {} is unusable ({}); trying the one before",
                        key,
                        e.epoch(),
                        ex.getMessage());
                LocalStoreFiles.deleteTree(tmp);
                continue;
            }
            Path dir = localDir.resolve(name);
            LocalStoreFiles.deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            org.featmap.ml.AtomicFiles.writeString(localDir.resolve("LATEST"), name);
            // WARN: the worker's quiet log shows it; a resume from the store means this host took over another's work
            LOG.warn(
                    "{}: resuming from the store's checkpoint of epoch {} (local: {})",
                    key,
                    e.epoch(),
                    local < 0 ? "none" : local);
            return e.epoch();
        }
        return local;
    }

    /** The epoch of the trainer's local LATEST checkpoint, or -1. */
    static int localEpoch(Path localDir) throws IOException {
        Path latest = localDir.resolve("LATEST");
        if (!Files.exists(latest)) return -1;
        String name = Files.readString(latest).trim();
        if (!Files.isDirectory(localDir.resolve(name))) return -1;
        return Integer.parseInt(name.substring("epoch-".length()));
    }

    /**
     * After the node committed: deletes its store checkpoints unless FEATMAP_CHECKPOINT_RETENTION=keep. A failure
     * here is only logged (the node is committed; leftover checkpoints cost space, not correctness).
     */
    public static void afterCommit(ArtifactStore store, String stage, String nodeKey) {
        if (!STAGES.contains(stage)) return;
        if ("keep".equals(System.getenv().getOrDefault("FEATMAP_CHECKPOINT_RETENTION", "delete"))) return;
        String key = nodeKey(stage, nodeKey);
        try {
            if (store.manifest(STAGE, key).isPresent()
                    || !store.list(STAGE, key).isEmpty()) store.delete(STAGE, key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: committed, but its store checkpoints were not deleted: {}", key, e.getMessage());
        }
    }

    /** Small file helpers (deleteTree of the local store, which tolerates a missing folder). */
    private static final class LocalStoreFiles {
        static void deleteTree(Path p) throws IOException {
            org.featmap.activities.store.LocalArtifactStore.deleteTree(p);
        }
    }
}
