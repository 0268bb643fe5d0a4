package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The behaviour every S3 server must show; run in-process (unit test) and against the real server (IT). */
abstract class S3ArtifactStoreContract {
    @TempDir
    Path tmp;

    /** A store on a fresh prefix of an existing bucket. */
    abstract S3ArtifactStore store();

    /** A raw client on the same server, to tamper with objects behind the store's back. */
    abstract S3Client rawClient();

    private final String key = Sha256.hex(UUID.randomUUID().toString());

    @Test
    void putCommitReadRoundTrip() throws Exception {
        S3ArtifactStore s = store();
        Path src = tmp.resolve("w.bin");
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31);
        Files.write(src, payload);
        ArtifactRef weights = s.put("train", key, "weights/model.bin", src);
        ArtifactRef table =
                s.putBytes("train", key, "metrics.csv", "epoch,loss\n1,0.5\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(Sha256.ofFile(src), weights.sha256());
        assertEquals(payload.length, weights.bytes());
        assertTrue(weights.uri().startsWith("s3://" + s.config().bucket() + "/"), weights.uri());
        assertTrue(weights.uri().endsWith("/train/" + key + "/weights/model.bin"), weights.uri());

        // files without a manifest are an unfinished node
        assertTrue(s.manifest("train", key).isEmpty());
        assertEquals(List.of("metrics.csv", "weights/model.bin"), s.list("train", key));

        NodeManifest m = new NodeManifest(
                "train",
                key,
                3,
                Map.of("weights", weights, "metrics", table),
                Map.of("loss", "0.5"),
                List.of("img 7: undecodable"),
                1234);
        s.commit(m);
        assertEquals(m, s.manifest("train", key).orElseThrow());
        assertEquals(
                List.of("metrics.csv", "weights/model.bin"), s.list("train", key), "the manifest is not a node file");

        Path back = s.fetch(weights, tmp.resolve("out/model.bin"));
        assertArrayEquals(payload, Files.readAllBytes(back));
        assertEquals("epoch,loss\n1,0.5\n", new String(s.readBytes(table), StandardCharsets.UTF_8));
    }

    /** Issue #13 6a: from 64 keys one paginated listing of the stage answers what a listing per node would. */
    @Test
    void aStageListingGivesWhatNodeListingsGive() throws Exception {
        S3ArtifactStore s = store();
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < S3ArtifactStore.STAGE_LISTING_FROM + 6; i++) {
            String k = Sha256.hex("stage-listing-" + i + key);
            keys.add(k);
            if (i % 7 == 3) continue; // never written
            s.putBytes("svd", k, "a.bin", new byte[i + 1]);
            s.putBytes("svd", k, "dir/c.bin", new byte[2]);
            if (i % 2 == 0) s.commit(new NodeManifest("svd", k, 1, Map.of(), Map.of(), List.of(), 1));
        }
        s.putBytes("wxb", keys.get(0), "other.bin", new byte[5]); // another stage, same key: not listed
        Map<String, Map<String, Long>> all = s.sizes("svd", keys);
        assertEquals(keys.size(), all.size());
        for (String k : keys) assertEquals(s.sizes("svd", k), all.get(k), k);
        assertEquals(Map.of("a.bin", 1L, "dir/c.bin", 2L), all.get(keys.get(0)));
        assertEquals(Map.of(), all.get(keys.get(3)));
    }

    @Test
    void tamperedBytesAreDetected() throws Exception {
        S3ArtifactStore s = store();
        ArtifactRef ref =
                s.putBytes("features", key, "shard-0.arrow", "original bytes".getBytes(StandardCharsets.UTF_8));
        String objectKey = ref.uri().substring(("s3://" + s.config().bucket() + "/").length());
        rawClient()
                .putObject(p -> p.bucket(s.config().bucket()).key(objectKey), RequestBody.fromString("tampered bytes"));
        assertThrows(CorruptArtifactException.class, () -> s.readBytes(ref));
        Path target = tmp.resolve("shard.arrow");
        assertThrows(CorruptArtifactException.class, () -> s.fetch(ref, target));
        assertFalse(Files.exists(target), "a corrupt fetch leaves no file behind");
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no temp file left behind");
        }
    }

    @Test
    void deleteRemovesManifestAndFiles() throws Exception {
        S3ArtifactStore s = store();
        ArtifactRef a = s.putBytes("test", key, "a.json", "{}".getBytes(StandardCharsets.UTF_8));
        s.putBytes("test", key, "deep/b.json", "[]".getBytes(StandardCharsets.UTF_8));
        s.commit(new NodeManifest("test", key, 1, Map.of("a", a), Map.of(), List.of(), 1));
        s.delete("test", key);
        assertTrue(s.manifest("test", key).isEmpty());
        assertEquals(List.of(), s.list("test", key));
        assertThrows(java.io.FileNotFoundException.class, () -> s.readBytes(a));
    }

    @Test
    void namesEscapingTheNodeAreRejected() {
        S3ArtifactStore s = store();
        byte[] b = {1};
        for (String bad : List.of(
                "../x",
                "a/../../x",
                "/etc/passwd",
                "a//b",
                "a\\b",
                ".hidden",
                "new\nline",
                "manifest.json",
                "",
                "./a")) {
            var e = assertThrows(IllegalArgumentException.class, () -> s.putBytes("train", key, bad, b), bad);
            assertFalse(e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> s.putBytes("../train", key, "a", b));
        assertThrows(IllegalArgumentException.class, () -> s.putBytes("train", "..", "a", b));
        assertThrows(IllegalArgumentException.class, () -> s.manifest("train", "a/b"));
        // a reference pointing outside the store is refused, not followed
        assertThrows(
                IllegalArgumentException.class,
                () -> s.readBytes(new ArtifactRef("s3://other-bucket/train/k/a", "00", 1)));
    }
}
