package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.featmap.ml.classify.RandAugment.Op;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;

/** RandAugment (spec §8.1) against torchvision 0.22 `_apply_op` on Pillow 12 (python/fixtures/randaugment). */
class RandAugmentTest {
    private static Path resource(String name) throws Exception {
        var url = RandAugmentTest.class.getResource("/randaugment/" + name);
        assertNotNull(
                url,
                "missing test resource randaugment/" + name
                        + " (python/fixtures/randaugment/make_randaugment_fixture.py)");
        return Path.of(url.toURI());
    }

    @Test
    void everyOpMatchesTorchvisionOnPillowByteForByte() throws Exception {
        JsonNode meta = new ObjectMapper().readTree(resource("ops.json").toFile());
        assertEquals(9, meta.get("magnitude_bin").asInt());
        assertEquals(31, meta.get("num_bins").asInt());
        EnumSet<Op> seen = EnumSet.noneOf(Op.class);
        int cases = 0;
        StringBuilder failures = new StringBuilder();
        for (JsonNode c : meta.get("cases")) {
            Op op = Op.ofTorchName(c.get("op").asText());
            RgbImage in = ImageCodec.decode(resource(c.get("input").asText()));
            RgbImage expected = ImageCodec.decode(resource(c.get("output").asText()));
            assertEquals(c.get("width").asInt(), in.width());
            double magnitude = c.get("magnitude").asDouble();
            // the magnitude torchvision picked must be what Java computes for bin 9 (float32 linspace), with the sign
            double javaMagnitude = RandAugment.magnitude(op, 9, 31, in.width(), in.height())
                    * c.get("sign").asInt();
            assertEquals(magnitude, javaMagnitude, 0.0, op + " magnitude for " + in.width() + "x" + in.height());
            RgbImage got = RandAugment.applyOp(in, op, magnitude);
            int diff = 0, maxAbs = 0;
            for (int i = 0; i < got.rgb().length; i++) {
                int d = Math.abs((got.rgb()[i] & 0xFF) - (expected.rgb()[i] & 0xFF));
                if (d != 0) diff++;
                maxAbs = Math.max(maxAbs, d);
            }
            if (diff != 0)
                failures.append(c.get("output").asText())
                        .append(": ")
                        .append(diff)
                        .append(" bytes differ, max ")
                        .append(maxAbs)
                        .append('\n');
            seen.add(op);
            cases++;
        }
        assertEquals("", failures.toString());
        assertEquals(EnumSet.allOf(Op.class), seen);
        assertEquals(2 * (14 + 9), cases); // 9 signed ops twice, 5 unsigned once, two images
    }

    @Test
    void quarterTurnsMatchPillowRotate() throws Exception {
        JsonNode meta = new ObjectMapper().readTree(resource("rotations.json").toFile());
        int cases = 0;
        for (JsonNode c : meta.get("cases")) {
            RgbImage in = ImageCodec.decode(resource(c.get("input").asText()));
            RgbImage expected = ImageCodec.decode(resource(c.get("output").asText()));
            RgbImage got =
                    org.featmap.ml.images.PillowAffine.rotate(in, c.get("angle").asDouble());
            assertArrayEquals(expected.rgb(), got.rgb(), c.get("output").asText());
            cases++;
        }
        assertEquals(8, cases); // 90, 180, 270, -90 on a square and a non-square image
    }

    @Test
    void opsActuallyChangeTheImage() throws Exception {
        RgbImage in = ImageCodec.decode(resource("input1.png"));
        for (Op op : Op.values()) {
            double m = RandAugment.magnitude(op, 9, 31, in.width(), in.height());
            RgbImage out = RandAugment.applyOp(in, op, m);
            assertEquals(op == Op.IDENTITY, java.util.Arrays.equals(in.rgb(), out.rgb()), op.torchName());
        }
    }

    @Test
    void drawsAreSeededAndCoverEveryOpAndSign() {
        RandAugment ra = RandAugment.reference();
        Map<Op, int[]> counts = new EnumMap<>(Op.class);
        SplittableRandom rng = new SplittableRandom(7);
        int n = 14_000;
        for (int i = 0; i < n; i++) {
            RandAugment.Choice c = ra.draw(64, 48, rng);
            counts.computeIfAbsent(c.op(), k -> new int[2])[c.magnitude() < 0 ? 1 : 0]++;
        }
        assertEquals(14, counts.size(), counts.keySet().toString());
        for (Map.Entry<Op, int[]> e : counts.entrySet()) {
            int total = e.getValue()[0] + e.getValue()[1];
            assertTrue(Math.abs(total - n / 14) < 150, e.getKey() + " drawn " + total + " of " + n); // ~4.4 sigma
            if (e.getKey().signed)
                assertTrue(
                        e.getValue()[1] > total / 2 - 100 && e.getValue()[1] < total / 2 + 100,
                        e.getKey() + " negated " + e.getValue()[1] + " of " + total);
            else assertEquals(0, e.getValue()[1], e.getKey() + " is unsigned");
        }
        SplittableRandom a = new SplittableRandom(11), b = new SplittableRandom(11);
        for (int i = 0; i < 100; i++) assertEquals(ra.draw(37, 29, a), ra.draw(37, 29, b));
    }

    @Test
    void spotValuesOfTheMagnitudeSpace() {
        assertEquals(7.0, RandAugment.magnitude(Op.POSTERIZE, 9, 31, 10, 10));
        assertEquals(178.5, RandAugment.magnitude(Op.SOLARIZE, 9, 31, 10, 10));
        assertEquals(9.0, RandAugment.magnitude(Op.ROTATE, 9, 31, 10, 10));
        // float(torch.linspace(0, 0.9, 31)[9]) and [0, 0.3]: not the floats nearest 0.27 / 0.09
        assertEquals(0.26999998092651367, RandAugment.magnitude(Op.BRIGHTNESS, 9, 31, 10, 10));
        assertEquals(0.09000000357627869, RandAugment.magnitude(Op.SHEAR_X, 9, 31, 10, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandAugment(1, 20, 31));
        assertTrue(e.getMessage().contains("magnitude 20 of 31 bins"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Op.ofTorchName("Invert"));
    }
}
