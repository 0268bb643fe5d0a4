package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StorePathsTest {
    @Test
    void acceptsOrdinaryNames() {
        for (String ok : List.of(
                "a",
                "weights/model.pt",
                "split=train/shard-0001.arrow",
                "x.y_z+1@2,3",
                "a/b/c/d.json",
                // real class folder names (Stanford Cars) have spaces; Qwen prompts have apostrophes
                "augmented_test/AM General Hummer SUV 2000/direct/00001_resized.jpg",
                "car's (x)")) {
            assertEquals(ok, StorePaths.checkRelative(ok));
        }
        assertDoesNotThrow(() -> StorePaths.checkStageKey("train", "0123abcdef"));
        assertDoesNotThrow(() -> StorePaths.checkStageKey("feature-extract_2", "v1.abc-DEF"));
    }

    @Test
    void rejectsEscapesAndOddCharactersWithOneLine() {
        for (String bad : List.of(
                "..",
                "../a",
                "a/..",
                "a/../b",
                ".",
                "./a",
                "/abs",
                "\\abs",
                "C:/x",
                "a//b",
                "a/",
                "",
                ".hidden",
                "a/.tmp",
                "tab\t",
                "nl\nx",
                "star*",
                "semi;colon",
                "ü",
                "manifest.json",
                "a".repeat(1025))) {
            var e = assertThrows(IllegalArgumentException.class, () -> StorePaths.checkRelative(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("bad artifact path"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> StorePaths.checkRelative(null));
        for (String[] bad : List.of(
                new String[] {"Train", "k"},
                new String[] {"../t", "k"},
                new String[] {"t", ".."},
                new String[] {"t", "a..b"},
                new String[] {"t", "a/b"},
                new String[] {"t", ""},
                new String[] {"t", null},
                new String[] {"", "k"})) {
            var e = assertThrows(IllegalArgumentException.class, () -> StorePaths.checkStageKey(bad[0], bad[1]));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
