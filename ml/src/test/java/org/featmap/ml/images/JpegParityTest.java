package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #20 item 1: the JPEG codec against Pillow's (libjpeg-turbo 3.x, python/fixtures/images/make_jpeg_fixtures.py),
 * for both backends: libjpeg-turbo's binding ({@link TurboJpeg}, where installed) and javax.imageio (the fallback).
 * Encoding: everything from the quantisation tables to the end (tables, frame, Huffman tables, entropy-coded
 * data) is byte-identical to Pillow's file; only the JFIF header may differ. Decoding: Pillow's pixels exactly.
 */
class JpegParityTest {

    static byte[] fromFirstDqt(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++)
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDB)
                return Arrays.copyOfRange(jpeg, i, jpeg.length);
        throw new AssertionError("no DQT marker");
    }

    static byte[] encodeImageIo(RgbImage img) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageCodec.encodeJpegImageIo(img, bos);
        return bos.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"photo288", "noise96", "odd101x77"})
    void imageIoEncodesPillowsBytes(String name) throws Exception {
        RgbImage src = Fixtures.image("jpeg_" + name + ".src.png");
        byte[] pil = Files.readAllBytes(Fixtures.path("jpeg_" + name + ".pil.jpg"));
        assertArrayEquals(fromFirstDqt(pil), fromFirstDqt(encodeImageIo(src)), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"photo288", "noise96", "odd101x77"})
    void turboJpegEncodesPillowsBytes(String name) throws Exception {
        assumeTrue(TurboJpeg.available(), TurboJpeg.describe());
        RgbImage src = Fixtures.image("jpeg_" + name + ".src.png");
        byte[] pil = Files.readAllBytes(Fixtures.path("jpeg_" + name + ".pil.jpg"));
        assertArrayEquals(fromFirstDqt(pil), fromFirstDqt(TurboJpeg.encode(src)), name);
        assertArrayEquals(
                fromFirstDqt(pil), fromFirstDqt(ImageCodec.encode(src, ImageFormat.JPG)), "ImageCodec uses it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"photo288", "noise96", "odd101x77", "grey64x48"})
    void bothDecodersGivePillowsPixels(String name) throws Exception {
        byte[] pil = Files.readAllBytes(Fixtures.path("jpeg_" + name + ".pil.jpg"));
        RgbImage expected = Fixtures.image("jpeg_" + name + ".pil.png");
        assertEquals(0, maxDiff(expected, ImageCodec.decodeImageIo(pil)), name + " imageio");
        if (TurboJpeg.available()) assertEquals(0, maxDiff(expected, TurboJpeg.decode(pil)), name + " libjpeg-turbo");
        assertEquals(0, maxDiff(expected, ImageCodec.decode(pil)), name + " ImageCodec");
    }

    static int maxDiff(RgbImage a, RgbImage b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        int max = 0;
        for (int i = 0; i < a.rgb().length; i++)
            max = Math.max(max, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        return max;
    }
}
