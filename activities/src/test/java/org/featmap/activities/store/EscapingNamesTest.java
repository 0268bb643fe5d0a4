package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8 item 4: names that would escape the store are refused by the store itself, not only by the
 * config loader: every write through {@link LocalArtifactStore} with such a stage, key or path fails
 * with a one-line message, and nothing appears outside the store's root.
 */
class EscapingNamesTest {
    static final List<String> BAD_PATHS = List.of(
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\windows",
            "C:/x",
            "a//b",
            "./a",
            ".hidden",
            "a/.",
            "a\u0000b",
            "a\nb",
            "manifest.json",
            "x".repeat(300),
            "a/" + "b/".repeat(600) + "c",
            "é/ü");
    static final List<String[]> BAD_STAGE_KEYS = List.of(
            new String[] {"..", "k"},
            new String[] {"train", ".."},
            new String[] {"train", "../k"},
            new String[] {"/abs", "k"},
            new String[] {"train", "/abs"},
            new String[] {"Train", "k"},
            new String[] {"train", "a/b"},
            new String[] {"train", "a..b"},
            new String[] {"train", ""},
            new String[] {"train", "k\nX"},
            new String[] {"tr ain", "k"});

    @Test
    void writesWithEscapingNamesFailOnOneLineAndLeaveNothingOutside(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("store");
        LocalArtifactStore store = new LocalArtifactStore(root);
        byte[] bytes = "escape".getBytes(StandardCharsets.UTF_8);
        int refused = 0;
        for (String p : BAD_PATHS) {
            Exception e =
                    assertThrows(IllegalArgumentException.class, () -> store.putBytes("train", "k1", p, bytes), p);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            refused++;
        }
        for (String[] sk : BAD_STAGE_KEYS) {
            Exception e = assertThrows(
                    IllegalArgumentException.class,
                    () -> store.putBytes(sk[0], sk[1], "f.bin", bytes),
                    sk[0] + "/" + sk[1]);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            refused++;
        }
        assertEquals(BAD_PATHS.size() + BAD_STAGE_KEYS.size(), refused);
        try (Stream<Path> all = Files.walk(tmp)) {
            List<Path> outside = all.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(root))
                    .toList();
            assertEquals(List.of(), outside);
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(
                    0,
                    all.filter(Files::isRegularFile)
                            .filter(f -> !f.toString().contains("/.work/"))
                            .count());
        }
    }
}
