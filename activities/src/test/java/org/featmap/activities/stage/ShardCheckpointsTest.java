package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.store.ArtifactRef;
import org.featmap.ml.features.FeatureStoreWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 1 for extraction: complete shards reach the store while the extraction runs (woken by its progress
 * reports, a shard still being written is not sent), a fresh host gets them back in order, a shard that fails its
 * sha256 ends that layer's restore there, and the node's commit deletes them. Extraction's own resume after the last
 * complete local shard is ExtractStage's (tested in ml); shard bytes here are opaque.
 */
class ShardCheckpointsTest {
    static final String KEY = "e".repeat(64);

    @TempDir
    Path tmp;

    static void shard(Path features, String layer, int i, String content) throws Exception {
        Path d = Files.createDirectories(features.resolve(layer));
        Files.writeString(d.resolve(FeatureStoreWriter.indexFileName(i)), "{\"shard\":" + i + "}");
        Files.writeString(d.resolve(FeatureStoreWriter.shardFileName(i)), content);
    }

    @Test
    void shardsReachTheStoreAndAFreshHostResumesFromThem() throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(tmp.resolve("store"));
        String pseudo = StoreCheckpoints.nodeKey("extract", KEY);
        Path h1 = tmp.resolve("h1").resolve("features");
        ShardCheckpoints up = new ShardCheckpoints(store, pseudo, h1, Map.of());
        List<String> beats = new ArrayList<>();
        var progress = up.beating((d, t, token) -> beats.add(token));
        shard(h1, "feat2", 0, "f2-s0");
        shard(h1, "feat3", 0, "f3-s0");
        shard(h1, "feat3", 1, "f3-s1");
        Files.writeString(h1.resolve("feat2").resolve(FeatureStoreWriter.shardFileName(1) + ".tmp"), "being written");
        progress.report(8, 20, "nextSampleId=8");
        up.flush(60);
        assertEquals(3, up.shardsUploaded());
        assertEquals(0, up.failedUploads());
        progress.report(16, 20, "nextSampleId=16");
        assertEquals(
                "nextSampleId=16 store=checkpoints/" + pseudo + "@3shards",
                beats.get(1),
                "heartbeats name what the store holds");
        up.close();

        // a second uploader that starts from the index sends nothing again
        ShardCheckpoints again = new ShardCheckpoints(store, pseudo, h1, ShardCheckpoints.restore(store, pseudo, h1));
        again.queueScan();
        again.flush(60);
        again.close();
        assertEquals(3, again.shardsUploaded());
        assertEquals(0, again.bytesUploaded());

        Path h2 = tmp.resolve("h2").resolve("features");
        Map<String, ArtifactRef> kept = ShardCheckpoints.restore(store, pseudo, h2);
        assertEquals(6, kept.size());
        assertEquals("f3-s1", Files.readString(h2.resolve("feat3").resolve(FeatureStoreWriter.shardFileName(1))));
        assertEquals(
                "{\"shard\":0}", Files.readString(h2.resolve("feat2").resolve(FeatureStoreWriter.indexFileName(0))));
        assertFalse(Files.exists(h2.resolve("feat2").resolve(FeatureStoreWriter.shardFileName(1))));

        // same-size corruption of feat3's first shard in the store: feat3 restores nothing, feat2 still restores
        Path stored;
        try (var s = Files.walk(tmp.resolve("store"))) {
            stored = s.filter(p -> p.toString().endsWith("feat3/" + FeatureStoreWriter.shardFileName(0)))
                    .findFirst()
                    .orElseThrow();
        }
        Files.writeString(stored, "XX-s0");
        Path h3 = tmp.resolve("h3").resolve("features");
        Map<String, ArtifactRef> partial = ShardCheckpoints.restore(store, pseudo, h3);
        assertEquals(2, partial.size(), partial.toString());
        assertTrue(Files.exists(h3.resolve("feat2").resolve(FeatureStoreWriter.shardFileName(0))));
        try (var s = Files.list(h3.resolve("feat3"))) {
            assertEquals(List.of(), s.toList(), "no shard, no leftover .fetch");
        }

        StoreCheckpoints.afterCommit(store, "extract", KEY);
        assertTrue(store.manifest(StoreCheckpoints.STAGE, pseudo).isEmpty());
        assertEquals(List.of(), store.list(StoreCheckpoints.STAGE, pseudo));
    }
}
