package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java LPIPS vs the exported module run in Python (python/fixtures/lpips/make_lpips_fixture.py). The
 * committed module is the tiny test export (export_lpips.py --tiny: same signature and LPIPS computation,
 * 40 KB) because the AlexNet export is ~10 MB; the test checks scaling, layout and batching. The full
 * AlexNet-LPIPS against the lpips package itself is LpipsAlexParityIT.
 */
class LpipsTest {
    static final Path DIR = Path.of("src", "test", "resources", "lpips");

    @Test
    void matchesPythonBatchedAndSingly() throws IOException {
        JsonNode exp = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
        List<RgbImage> a = new ArrayList<>(), b = new ArrayList<>();
        List<Double> want = new ArrayList<>();
        for (JsonNode p : exp.get("pairs")) {
            a.add(ImageCodec.decode(DIR.resolve(p.get("a").asText())));
            b.add(ImageCodec.decode(DIR.resolve(p.get("b").asText())));
            want.add(p.get("distance").asDouble());
        }
        try (Lpips l = Lpips.open(DIR.resolve("tiny"), 2)) {
            assertEquals("tiny-test", l.net());
            double[] got = l.distances(a, b);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want.get(i), got[i], 1e-5, "pair " + i);
                assertEquals(want.get(i), l.distance(a.get(i), b.get(i)), 1e-5, "pair " + i + " alone");
            }
            assertEquals(0.0, l.distance(a.get(0), a.get(0)), 1e-7);
            assertTrue(got[1] > got[0], "unrelated images are further apart than a noisy copy");
        }
    }

    @Test
    void rejectsTamperedModule(@TempDir Path tmp) throws IOException {
        Files.copy(DIR.resolve("tiny/manifest.json"), tmp.resolve("manifest.json"));
        Files.write(tmp.resolve("lpips.pt"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> Lpips.open(tmp));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        assertThrows(IOException.class, () -> Lpips.open(tmp.resolve("nothing")));
    }
}
