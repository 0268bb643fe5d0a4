package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest {
    static final String KEY = "a".repeat(64);

    @Test
    void putFetchCommitRoundTrip(@TempDir Path dir) throws Exception {
        LocalArtifactStore s = new LocalArtifactStore(dir);
        Path src = dir.resolve("src.bin");
        Files.write(src, new byte[] {1, 2, 3});
        ArtifactRef r = s.put("train", KEY, "weights/model.bin", src);
        assertEquals(Sha256.ofFile(src), r.sha256());
        assertEquals(3, r.bytes());
        assertTrue(s.manifest("train", KEY).isEmpty(), "not finished before its manifest");
        s.commit(new NodeManifest("train", KEY, 1, Map.of("weights/model.bin", r), Map.of("val", "0.5"), List.of(), 7));
        NodeManifest m = s.manifest("train", KEY).orElseThrow();
        assertEquals(r, m.artifacts().get("weights/model.bin"));
        assertArrayEquals(new byte[] {1, 2, 3}, s.readBytes(r));
        assertEquals(List.of("weights/model.bin"), s.list("train", KEY));
        Path copy = s.fetch(r, dir.resolve("copy.bin"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copy));
    }

    @Test
    void corruptionIsDetected(@TempDir Path dir) throws Exception {
        LocalArtifactStore s = new LocalArtifactStore(dir);
        ArtifactRef r = s.putBytes("svd", KEY, "m.json", "{\"a\":1}".getBytes());
        Files.writeString(s.pathOf(r), "{\"a\":2}");
        CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> s.readBytes(r));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
        assertThrows(CorruptArtifactException.class, () -> s.fetch(r, null));
    }

    @Test
    void namesThatEscapeAreRejected(@TempDir Path dir) throws Exception {
        LocalArtifactStore s = new LocalArtifactStore(dir);
        for (String bad : List.of("../x", "/etc/passwd", "a/../../b", "", ".hidden", "a//b", "manifest.json")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.putBytes("svd", KEY, bad, new byte[0]), bad);
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
        assertThrows(IllegalArgumentException.class, () -> s.putBytes("../svd", KEY, "a", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> s.putBytes("svd", "../" + KEY, "a", new byte[0]));
    }

    @Test
    void deleteUncommitsFirst(@TempDir Path dir) throws Exception {
        LocalArtifactStore s = new LocalArtifactStore(dir);
        ArtifactRef r = s.putBytes("svd", KEY, "m.json", new byte[] {1});
        s.commit(new NodeManifest("svd", KEY, 1, Map.of("m.json", r), Map.of(), List.of(), 1));
        s.delete("svd", KEY);
        assertTrue(s.manifest("svd", KEY).isEmpty());
        assertFalse(Files.exists(s.nodeDir("svd", KEY)));
    }
}
