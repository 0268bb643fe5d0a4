package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.featmap.core.config.Vocabulary;
import org.junit.jupiter.api.Test;

/** The config check's mask extents (core, no ml) are the rectangles the manipulate stage draws. */
class MaskExtentTest {
    @Test
    void configCheckKnowsTheMaskRectangles() {
        Map<String, Integer> drawn = new TreeMap<>();
        for (SquareMask m : new SquareMask[] {
            SquareMask.TOP_LEFT, SquareMask.BOTTOM_RIGHT, SquareMask.BIG_CENTER, SquareMask.SMALL_CENTER
        }) drawn.put(m.name(), Math.max(m.x1(), m.y1()));
        assertEquals(drawn, new TreeMap<>(Vocabulary.MASK_EXTENT));
    }
}
