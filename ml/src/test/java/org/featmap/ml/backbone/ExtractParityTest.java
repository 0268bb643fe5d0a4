package org.featmap.ml.backbone;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DJL vs PyTorch on the same TorchScript modules (issue #4 Parity): fixtures from
 * python/parity/extract_parity.py. Features ≤ 1e-5 relative L2; §3.2 preprocessing of a PNG exact.
 */
class ExtractParityTest {
    static final Path FIX = Path.of("src/test/resources/extract/parity");
    static final Path DEMO = Path.of("..", "models", "demo");
    static JsonNode meta;

    static JsonNode meta() throws IOException {
        if (meta == null)
            meta = new ObjectMapper().readTree(FIX.resolve("parity.json").toFile());
        return meta;
    }

    /** Same integer LCG as lcg_input in extract_parity.py: bit-identical float32 input. */
    static float[] lcgInput(int c, int s, long seed) {
        float[] x = new float[c * s * s];
        long v = seed;
        for (int i = 0; i < x.length; i++) {
            v = (1103515245L * v + 12345) % (1L << 31);
            x[i] = (float) ((double) v / (1L << 31) * 4 - 2);
        }
        return x;
    }

    static float[] readF32(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /** Compares the strided sample and the full-tensor L2 norm of one output to the fixture. */
    static double compare(String key, NDArray out) throws IOException {
        JsonNode m = meta().get(key);
        float[] all = out.toFloatArray();
        int stride = m.get("stride").asInt();
        float[] expect = readF32(FIX.resolve(key + ".f32"));
        double num = 0, den = 0, l2 = 0;
        for (int i = 0; i < expect.length; i++) {
            double d = all[i * stride] - expect[i];
            num += d * d;
            den += (double) expect[i] * expect[i];
        }
        for (float v : all) l2 += (double) v * v;
        assertEquals(m.get("l2").asDouble(), Math.sqrt(l2), 1e-5 * m.get("l2").asDouble(), key + " L2 norm");
        return Math.sqrt(num / den);
    }

    static Map<String, NDArray> forward(String backbone, float[] x, int crop, NDManager m) throws IOException {
        Backbone b = Backbone.open(DEMO.resolve(backbone), Device.cpu(), List.of());
        Map<String, NDArray> out = b.forward(m.create(x, new Shape(1, 3, crop, crop)));
        b.close(); // outputs live on m
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"convnext-atto-rand", "swinv2-tiny-rand"})
    void featuresOnIdenticalTensorsMatchPyTorch(String backbone) throws IOException {
        int crop = BackboneManifest.load(DEMO.resolve(backbone)).crop();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (Map.Entry<String, NDArray> e :
                    forward(backbone, lcgInput(3, crop, 12345), crop, m).entrySet()) {
                double rel = compare(backbone + "." + e.getKey(), e.getValue());
                System.out.printf("parity %s.%s rel L2 %.3e%n", backbone, e.getKey(), rel);
                assertTrue(rel <= 1e-5, backbone + "." + e.getKey() + " rel L2 " + rel);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"convnext-atto-rand", "swinv2-tiny-rand"})
    void preprocessingOfAnImageMatchesTorchvision(String backbone) throws IOException {
        BackboneManifest man = BackboneManifest.load(DEMO.resolve(backbone));
        Preprocess pre = Preprocess.of(man);
        int crop = man.crop();
        RgbImage img = FeatureImageDecoder.decode(FIX.resolve("img_a.png"));
        RgbImage expectCrop = FeatureImageDecoder.decode(FIX.resolve("img_a." + crop + ".crop.png"));
        assertArrayEquals(expectCrop.rgb(), pre.resizeAndCrop(img).rgb(), "Resize+CenterCrop bytes (Pillow bilinear)");
        float[] x = pre.toChw(img);
        JsonNode t = meta().get("img_a." + crop + ".tensor");
        for (int i = 0; i < 16; i++)
            assertEquals((float) t.get("first").get(i).asDouble(), x[i], 0f, "tensor[" + i + "]");
        double sum = 0;
        for (float v : x) sum += v;
        assertEquals(t.get("sum").asDouble(), sum, 1e-6 * Math.abs(t.get("sum").asDouble()) + 1e-3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (Map.Entry<String, NDArray> e : forward(backbone, x, crop, m).entrySet()) {
                double rel = compare(backbone + ".img_a." + e.getKey(), e.getValue());
                assertTrue(rel <= 1e-5, backbone + ".img_a." + e.getKey() + " rel L2 " + rel);
            }
        }
    }

    /** spec §12.3: ImageIO's JPEG decoder vs libjpeg-turbo (Pillow) — measured, bounded at ±2 levels. */
    @Test
    void jpegDecodeIsCloseToPillow() throws IOException {
        byte[] ours = FeatureImageDecoder.decode(FIX.resolve("img_b.jpg")).rgb();
        byte[] pil =
                FeatureImageDecoder.decode(FIX.resolve("img_b.decoded.png")).rgb();
        int max = 0;
        long sum = 0;
        for (int i = 0; i < ours.length; i++) {
            int d = Math.abs((ours[i] & 0xFF) - (pil[i] & 0xFF));
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf("jpeg decode vs Pillow: max |diff| %d, mean %.4f levels%n", max, (double) sum / ours.length);
        assertTrue(max <= 2, "max level diff " + max);
    }
}
