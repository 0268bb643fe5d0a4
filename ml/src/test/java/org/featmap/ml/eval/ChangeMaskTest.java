package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

class ChangeMaskTest {

    private static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) if (b) n++;
        return n;
    }

    private static Set<Integer> setCells(boolean[] cells) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
        for (int i = 0; i < cells.length; i++) if (cells[i]) s.add(i);
        return s;
    }

    @Test
    void av18WhiteSquare() {
        RgbImage o = RgbImage.blank(288, 288);
        RgbImage m = o.copy();
        for (int y = 32; y <= 63; y++) for (int x = 32; x <= 63; x++) for (int c = 0; c < 3; c++) m.set(x, y, c, 255);
        RgbImage blurred = ChangeMask.gaussianBlur5(m);
        assertEquals(80, blurred.get(48, 31, 0)); // one pixel outside the edge
        assertEquals(16, blurred.get(48, 30, 0)); // two pixels outside
        assertEquals(25, blurred.get(31, 31, 0)); // diagonal corner
        boolean[] full = ChangeMask.fullMask(o, m);
        assertEquals(1152, count(full));
        // cells (0,1), (1,0), (1,1), (1,2), (2,1)
        assertEquals(Set.of(1, 9, 10, 11, 19), setCells(ChangeMask.compute(o, m)));
    }

    @Test
    void av18RedSquare() {
        RgbImage o = RgbImage.blank(288, 288);
        RgbImage m = o.copy();
        for (int y = 128; y <= 159; y++) for (int x = 128; x <= 159; x++) m.set(x, y, 0, 255);
        assertEquals(Set.of(3 * 9 + 4, 4 * 9 + 3, 4 * 9 + 4, 4 * 9 + 5, 5 * 9 + 4), setCells(ChangeMask.compute(o, m)));
    }

    @Test
    void matchesOpenCvFixtures() {
        for (JsonNode c : MetricFixtures.load("change_mask.json").get("cases")) {
            int w = c.get("w").asInt(), h = c.get("h").asInt();
            String what = w + "x" + h + " vs " + c.get("mw").asInt() + "x"
                    + c.get("mh").asInt();
            RgbImage o = MetricFixtures.image(c.get("o"), w, h);
            RgbImage m = MetricFixtures.image(
                    c.get("m"), c.get("mw").asInt(), c.get("mh").asInt());
            assertArrayEquals(
                    MetricFixtures.bytes(c.get("blur_o")),
                    ChangeMask.gaussianBlur5(o).rgb(),
                    "blur " + what);
            RgbImage mSized = m;
            if (c.has("m_resized")) {
                mSized = OpenCvResize.bilinear(m, w, h);
                assertArrayEquals(MetricFixtures.bytes(c.get("m_resized")), mSized.rgb(), "cv2.resize " + what);
            }
            boolean[] full = ChangeMask.fullMask(o, mSized);
            byte[] expFull = MetricFixtures.bytes(c.get("full"));
            for (int i = 0; i < full.length; i++)
                assertEquals(expFull[i] != 0, full[i], "full mask pixel " + i + " " + what);
            assertEquals(c.get("full_count").asInt(), count(full), what);
            int[] cells = MetricFixtures.ints(c.get("cells"));
            boolean[] got = ChangeMask.compute(o, m);
            for (int i = 0; i < 81; i++) assertEquals(cells[i] != 0, got[i], "cell " + i + " " + what);
        }
    }

    @Test
    void reflect101() {
        assertEquals(1, ChangeMask.reflect101(-1, 5));
        assertEquals(2, ChangeMask.reflect101(-2, 5));
        assertEquals(3, ChangeMask.reflect101(5, 5));
        assertEquals(2, ChangeMask.reflect101(6, 5));
    }
}
