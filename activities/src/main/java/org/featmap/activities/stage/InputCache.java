package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inputs a worker fetched from a remote store (issue #13 item 3): files under
 * {@code <root>/<stage>/<key>/<relative path>}, shared by every node on the worker, bounded in bytes and
 * evicted least-recently-used. A node holds a {@link Lease} on each file it reads, and a leased file is
 * never evicted, so the bound can be exceeded only while the leased files alone exceed it (logged). Two
 * nodes needing the same file wait for one download. Each download is verified (size and sha256 while
 * streaming) before it becomes visible; files left by an earlier process are re-hashed once on first use.
 *
 * <p>Size: {@code featmap worker --input-cache SIZE} or {@code $FEATMAP_INPUT_CACHE} (e.g. {@code 50g});
 * default {@value #DEFAULT_SPEC}.
 */
public final class InputCache {
    private static final Logger LOG = LoggerFactory.getLogger(InputCache.class);
    static final String DEFAULT_SPEC = "20g";
    private static final Map<Path, InputCache> BY_ROOT = new ConcurrentHashMap<>();
    private static volatile long defaultMaxBytes =
            parseSize(envOr("FEATMAP_INPUT_CACHE", DEFAULT_SPEC), "FEATMAP_INPUT_CACHE");

    private final Path root;
    private final long maxBytes;
    /** Access-ordered: the first unleased ready entry is the one to evict. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

    private long usedBytes;
    private boolean warnedOver;

    private static final class Entry {
        final Path path;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        long bytes;
        String sha256; // null for a file found on disk and not yet re-hashed
        int leases;

        Entry(Path path) {
            this.path = path;
        }
    }

    /** A file a node reads; closing it lets the cache evict the file again. */
    public final class Lease implements AutoCloseable {
        private final String id;
        private final Entry entry;
        private boolean closed;

        private Lease(String id, Entry entry) {
            this.id = id;
            this.entry = entry;
        }

        public Path path() {
            return entry.path;
        }

        @Override
        public void close() {
            synchronized (InputCache.this) {
                if (closed) return;
                closed = true;
                entry.leases--;
                evict();
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private InputCache(Path root, long maxBytes) throws IOException {
        this.root = root;
        this.maxBytes = maxBytes;
        Files.createDirectories(root);
        seed();
    }

    /** The cache of a worker's input folder, created on first use with the configured size. */
    public static InputCache at(Path root) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        InputCache c = BY_ROOT.get(r);
        if (c != null) return c;
        synchronized (BY_ROOT) {
            c = BY_ROOT.get(r);
            if (c == null) {
                c = new InputCache(r, defaultMaxBytes);
                BY_ROOT.put(r, c);
            }
            return c;
        }
    }

    /** A cache with its own bound (tests, benchmarks); not shared through {@link #at}. */
    static InputCache open(Path root, long maxBytes) throws IOException {
        return new InputCache(root.toAbsolutePath().normalize(), maxBytes);
    }

    /** Sets the bound of caches created from now on ({@code featmap worker --input-cache}). */
    public static void setDefaultMaxBytes(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("the input cache size must be positive, got " + bytes);
        defaultMaxBytes = bytes;
    }

    public Path root() {
        return root;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }

    /** The local folder of a node's cached files. */
    public Path nodeDir(String stage, String key) {
        return root.resolve(stage).resolve(key);
    }

    /**
     * The file {@code relativePath} of node {@code stage/key} as a local file, fetched (verified) from
     * {@code store} unless cached; leased until the lease is closed.
     */
    public Lease acquire(ArtifactStore store, String stage, String key, String relativePath, ArtifactRef ref)
            throws IOException {
        String id = stage + "/" + key + "/" + relativePath;
        for (int attempt = 0; ; attempt++) {
            Entry e;
            boolean owner = false;
            synchronized (this) {
                e = entries.get(id);
                if (e == null || e.ready.isCompletedExceptionally()) {
                    e = new Entry(nodeDir(stage, key).resolve(relativePath));
                    entries.put(id, e);
                    owner = true;
                }
                e.leases++;
            }
            if (owner) {
                try {
                    store.fetch(ref, e.path); // streams to a temporary file, verifies size and sha256, then renames
                } catch (IOException | RuntimeException ex) {
                    failed(id, e, ex);
                    throw ex;
                }
                synchronized (this) {
                    e.bytes = ref.bytes();
                    e.sha256 = ref.sha256();
                    usedBytes += e.bytes;
                    e.ready.complete(null);
                    evict();
                }
                return new Lease(id, e);
            }
            try {
                e.ready.get();
            } catch (ExecutionException ex) {
                release(e);
                if (attempt < 2) continue; // the other node's download failed: try it ourselves
                throw new IOException(
                        "fetching " + ref.uri() + " failed: " + ex.getCause().getMessage(), ex.getCause());
            } catch (InterruptedException ex) {
                release(e);
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + id);
            }
            // ready: check it is the artifact the caller means (a recomputed node may have new bytes)
            String sha;
            synchronized (e) {
                if (e.sha256 == null && Files.isRegularFile(e.path) && sizeOf(e.path) == ref.bytes())
                    e.sha256 = Sha256.ofFile(e.path);
                sha = e.sha256;
            }
            if (ref.sha256().equals(sha) && e.bytes == ref.bytes()) return new Lease(id, e);
            release(e);
            synchronized (this) {
                if (entries.get(id) == e && e.leases == 0) drop(id, e);
                else if (attempt >= 2)
                    throw new IOException(id + " is cached with other bytes and in use by another node; retry later");
            }
        }
    }

    private void failed(String id, Entry e, Throwable ex) {
        synchronized (this) {
            e.leases--;
            e.ready.completeExceptionally(ex);
            if (entries.get(id) == e) entries.remove(id);
        }
    }

    private synchronized void release(Entry e) {
        e.leases--;
    }

    /** Removes an unleased entry and its file. */
    private void drop(String id, Entry e) {
        entries.remove(id);
        usedBytes -= e.bytes;
        try {
            Files.deleteIfExists(e.path);
        } catch (IOException ex) {
            LOG.warn("input cache: could not delete {}: {}", e.path, ex.getMessage());
        }
    }

    private void evict() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (usedBytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Entry> me = it.next();
            Entry e = me.getValue();
            if (e.leases > 0 || !e.ready.isDone() || e.ready.isCompletedExceptionally()) continue;
            it.remove();
            usedBytes -= e.bytes;
            try {
                Files.deleteIfExists(e.path);
            } catch (IOException ex) {
                LOG.warn("input cache: could not delete {}: {}", e.path, ex.getMessage());
            }
        }
        if (usedBytes > maxBytes && !warnedOver) {
            warnedOver = true;
            LOG.warn(
                    "input cache {}: the files in use ({} bytes) exceed its bound of {} bytes; raise --input-cache",
                    root,
                    usedBytes,
                    maxBytes);
        } else if (usedBytes <= maxBytes) {
            warnedOver = false;
        }
    }

    /** Files left by an earlier process on this machine: cached, least recently modified first, re-hashed on first use. */
    private void seed() throws IOException {
        record Found(String id, Path path, long bytes, long mtime) {}
        java.util.List<Found> found = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".fetch-")) {
                    Files.deleteIfExists(p); // an interrupted download
                    continue;
                }
                Path rel = root.relativize(p);
                if (rel.getNameCount() < 3) continue;
                found.add(new Found(
                        rel.toString().replace('\\', '/'),
                        p,
                        Files.size(p),
                        Files.getLastModifiedTime(p).toMillis()));
            }
        }
        found.sort(java.util.Comparator.comparingLong(Found::mtime));
        for (Found f : found) {
            Entry e = new Entry(f.path());
            e.bytes = f.bytes();
            e.ready.complete(null);
            entries.put(f.id(), e);
            usedBytes += f.bytes();
        }
        evict();
    }

    private static long sizeOf(Path p) throws IOException {
        return Files.size(p);
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Parses {@code 123}, {@code 512m}, {@code 20g}, {@code 1t} (binary units). */
    public static long parseSize(String spec, String what) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("b")) s = s.substring(0, s.length() - 1);
        if (s.endsWith("k")) unit = 1L << 10;
        else if (s.endsWith("m")) unit = 1L << 20;
        else if (s.endsWith("g")) unit = 1L << 30;
        else if (s.endsWith("t")) unit = 1L << 40;
        if (unit > 1) s = s.substring(0, s.length() - 1);
        try {
            double v = Double.parseDouble(s);
            if (v <= 0 || Double.isNaN(v)) throw new NumberFormatException();
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + " '" + spec + "': allowed is a positive size such as 512m, 20g or 1t");
        }
    }
}
