package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #13 item 3: the worker's input cache is bounded (LRU), shared, and safe under concurrent use. */
class InputCacheTest {
    static final String K = Sha256.hex("producer");

    static ArtifactRef put(LocalArtifactStore s, String rel, int size, int fill) throws Exception {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) fill);
        return s.putBytes("extract", K, rel, b);
    }

    @Test
    void leastRecentlyUsedUnleasedFilesAreEvictedToStayWithinTheBound(@TempDir Path dir) throws Exception {
        CountingStore store = new CountingStore(new LocalArtifactStore(dir.resolve("store")));
        InputCache cache = InputCache.open(dir.resolve("cache"), 250);
        ArtifactRef a = put(store.inner, "a", 100, 1),
                b = put(store.inner, "b", 100, 2),
                c = put(store.inner, "c", 100, 3);
        try (var la = cache.acquire(store, "extract", K, "a", a)) {
            assertEquals(100, Files.size(la.path()));
        }
        try (var lb = cache.acquire(store, "extract", K, "b", b)) {}
        try (var la = cache.acquire(store, "extract", K, "a", a)) {} // a is now the most recently used
        assertEquals(2, store.fetches.get(), "the second read of a is a hit");
        try (var lc = cache.acquire(store, "extract", K, "c", c)) {
            assertTrue(cache.usedBytes() <= 250, "bound kept: " + cache.usedBytes());
            assertFalse(Files.exists(cache.nodeDir("extract", K).resolve("b")), "b, least recently used, was evicted");
            assertTrue(Files.exists(cache.nodeDir("extract", K).resolve("a")));
        }
        // leased files are never evicted, even past the bound
        try (var la = cache.acquire(store, "extract", K, "a", a);
                var lb = cache.acquire(store, "extract", K, "b", b);
                var lc = cache.acquire(store, "extract", K, "c", c)) {
            assertTrue(Files.exists(la.path()) && Files.exists(lb.path()) && Files.exists(lc.path()));
            assertEquals(300, cache.usedBytes());
        }
        assertTrue(cache.usedBytes() <= 250, "back within the bound once released: " + cache.usedBytes());
    }

    @Test
    void concurrentReadersOfOneFileShareOneDownload(@TempDir Path dir) throws Exception {
        CountingStore store = new CountingStore(new LocalArtifactStore(dir.resolve("store")));
        InputCache cache = InputCache.open(dir.resolve("cache"), 1 << 30);
        ArtifactRef a = put(store.inner, "shard/part-00000.arrow", 1 << 20, 7);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> f = new ArrayList<>();
            for (int i = 0; i < 16; i++)
                f.add(pool.submit(() -> {
                    try (var l = cache.acquire(store, "extract", K, "shard/part-00000.arrow", a)) {
                        return Sha256.ofFile(l.path());
                    }
                }));
            for (Future<String> x : f) assertEquals(a.sha256(), x.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, store.fetches.get());
    }

    @Test
    void filesOfAnEarlierProcessAreReusedWhenTheirBytesMatch(@TempDir Path dir) throws Exception {
        CountingStore store = new CountingStore(new LocalArtifactStore(dir.resolve("store")));
        ArtifactRef a = put(store.inner, "a", 100, 1);
        try (var l = InputCache.open(dir.resolve("cache"), 1000).acquire(store, "extract", K, "a", a)) {}
        InputCache restarted = InputCache.open(dir.resolve("cache"), 1000);
        assertEquals(100, restarted.usedBytes(), "seeded from disk");
        try (var l = restarted.acquire(store, "extract", K, "a", a)) {}
        assertEquals(1, store.fetches.get(), "re-hashed locally, not fetched again");
        Files.write(restarted.nodeDir("extract", K).resolve("a"), new byte[100]); // changed on disk behind the cache
        InputCache again = InputCache.open(dir.resolve("cache"), 1000);
        try (var l = again.acquire(store, "extract", K, "a", a)) {
            assertEquals(a.sha256(), Sha256.ofFile(l.path()));
        }
        assertEquals(2, store.fetches.get(), "a file whose bytes differ is fetched again");
    }

    @Test
    void aCorruptDownloadIsNotCached(@TempDir Path dir) throws Exception {
        CountingStore store = new CountingStore(new LocalArtifactStore(dir.resolve("store")));
        InputCache cache = InputCache.open(dir.resolve("cache"), 1000);
        ArtifactRef a = put(store.inner, "a", 100, 1);
        Files.write(store.inner.pathOf(a), new byte[100]);
        assertThrows(CorruptArtifactException.class, () -> cache.acquire(store, "extract", K, "a", a));
        assertEquals(0, cache.usedBytes());
        assertFalse(Files.exists(cache.nodeDir("extract", K).resolve("a")));
    }

    @Test
    void sizesParse() {
        assertEquals(20L << 30, InputCache.parseSize("20g", "x"));
        assertEquals(512L << 20, InputCache.parseSize("512M", "x"));
        assertEquals(1536L << 20, InputCache.parseSize("1.5g", "x"));
        var e = assertThrows(IllegalArgumentException.class, () -> InputCache.parseSize("lots", "--input-cache"));
        assertTrue(e.getMessage().startsWith("--input-cache 'lots'"), e.getMessage());
    }
}
