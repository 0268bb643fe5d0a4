package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #13 item 2: the launch's cache check reads manifests and listings, never an artifact byte. */
class CacheCheckTest {
    static String key(int i) {
        return Sha256.hex("node-" + i);
    }

    /** Commits node i of stage svd with two files of {@code size} bytes each. */
    static NodeManifest commit(LocalArtifactStore s, int i, int size) throws Exception {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) i);
        ArtifactRef a = s.putBytes("svd", key(i), "a.bin", b);
        ArtifactRef c = s.putBytes("svd", key(i), "dir/c.bin", b);
        NodeManifest m = new NodeManifest(
                "svd", key(i), Stage.SVD.codeVersion(), Map.of("a.bin", a, "dir/c.bin", c), Map.of(), List.of(), 1);
        s.commit(m);
        return m;
    }

    @Test
    void aLaunchReadsNoArtifactBytesAndReportsProgress(@TempDir Path dir) throws Exception {
        LocalArtifactStore local = new LocalArtifactStore(dir);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            if (i % 10 != 9) commit(local, i, 4096); // every tenth node was never computed
            keys.add("svd/" + key(i));
        }
        CountingStore store = new CountingStore(local);
        List<long[]> beats = new CopyOnWriteArrayList<>();
        List<CacheCheck.Verdict> v =
                CacheCheck.check(store, keys, 8, (done, total, ckpt) -> beats.add(new long[] {done, total}));
        assertEquals(200, v.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(keys.get(i), v.get(i).stageKey(), "verdicts in input order");
            assertEquals(
                    i % 10 == 9 ? CacheCheck.Outcome.MISSING : CacheCheck.Outcome.HIT,
                    v.get(i).outcome(),
                    v.get(i).toString());
        }
        assertEquals(0, store.artifactBytesRead.get(), "no artifact byte is read");
        assertEquals(200, store.manifestReads.get(), "one manifest read per node");
        assertEquals(1, store.stageListings.get(), "one listing for the stage's 200 nodes");
        assertEquals(0, store.nodeListings.get(), "no listing per node");
        assertTrue(beats.size() >= 10, "progress (heartbeats) while checking: " + beats.size());
        assertArrayEquals(new long[] {200, 200}, beats.get(beats.size() - 1));
    }

    @Test
    void missingFilesWrongSizesAndOldCodeVersionsAreBrokenAndUnCommitted(@TempDir Path dir) throws Exception {
        LocalArtifactStore s = new LocalArtifactStore(dir);
        commit(s, 0, 100); // intact
        NodeManifest m1 = commit(s, 1, 100);
        Files.delete(s.pathOf(m1.artifacts().get("dir/c.bin"))); // a file gone
        NodeManifest m2 = commit(s, 2, 100);
        Files.write(s.pathOf(m2.artifacts().get("a.bin")), new byte[99]); // truncated
        NodeManifest m3 = commit(s, 3, 100);
        s.commit(new NodeManifest(
                "svd", key(3), Stage.SVD.codeVersion() + 7, m3.artifacts(), Map.of(), List.of(), 1)); // other code
        NodeManifest m4 = commit(s, 4, 100);
        Files.write(
                s.pathOf(m4.artifacts().get("a.bin")),
                new byte[100]); // same size, other bytes: seen where read, not here
        Files.createDirectories(s.nodeDir("svd", key(5)));
        Files.writeString(s.nodeDir("svd", key(5)).resolve("manifest.json"), "{ not json"); // unreadable commit

        List<String> keys = List.of(
                "svd/" + key(0), "svd/" + key(1), "svd/" + key(2), "svd/" + key(3), "svd/" + key(4), "svd/" + key(5));
        List<CacheCheck.Verdict> v = CacheCheck.check(s, keys, 2, (d, t, c) -> {});
        assertEquals(CacheCheck.Outcome.HIT, v.get(0).outcome());
        assertTrue(v.get(1).reason().contains("dir/c.bin is missing"), v.get(1).toString());
        assertTrue(
                v.get(2).reason().contains("has 99 bytes, its manifest says 100"),
                v.get(2).toString());
        assertTrue(v.get(3).reason().contains("code version"), v.get(3).toString());
        assertEquals(CacheCheck.Outcome.HIT, v.get(4).outcome(), "same-size corruption is the reader's to find");
        assertEquals(CacheCheck.Outcome.BROKEN, v.get(5).outcome());

        List<String> hits = SweepActivitiesImpl.lookupCached(dir.toString(), keys, (d, t, c) -> {});
        assertEquals(List.of("svd/" + key(0), "svd/" + key(4)), hits);
        for (int i : new int[] {1, 2, 3, 5})
            assertTrue(s.manifest("svd", key(i)).isEmpty(), "broken node " + i + " is un-committed");
    }
}
