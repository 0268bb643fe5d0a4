package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ImageCodecTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "decode_gray_L.png",
                "decode_palette_P.png",
                "decode_gray_alpha_LA.png",
                "decode_rgba.png",
                "decode_gray16.png",
                "decode_rgb16.png"
            })
    void losslessEncodingsDecodeLikePillowConvertRgb(String name) throws Exception {
        RgbImage expected = Fixtures.image(name.replace(".png", ".expected.png"));
        PillowParityTest.assertImageEquals(expected, ImageCodec.decode(Fixtures.path(name)), name);
    }

    /**
     * Issue #16: PIL's open + convert("RGB") applies neither an embedded ICC profile nor the EXIF orientation
     * (python/fixtures/images/make_icc_fixture.py: Adobe-RGB-like profile, Orientation 6). javax.imageio
     * colour-manages such a file; the decoder must not. Same JPEG decoder family (ISLOW, fancy upsampling):
     * a level at most.
     */
    @Test
    void jpegWithIccProfileAndExifOrientationDecodesLikePillowIgnoringBoth() throws Exception {
        RgbImage expected = Fixtures.image("decode_icc_exif.expected.png");
        RgbImage actual = ImageCodec.decode(Fixtures.path("decode_icc_exif.jpg"));
        assertEquals(48, actual.width(), "EXIF orientation must not be applied");
        assertEquals(32, actual.height());
        int max = 0;
        for (int i = 0; i < expected.rgb().length; i++)
            max = Math.max(max, Math.abs((expected.rgb()[i] & 0xFF) - (actual.rgb()[i] & 0xFF)));
        assertTrue(max <= 1, "max abs diff vs Pillow " + max + " (the embedded profile must not be applied)");
        byte[] file = Files.readAllBytes(Fixtures.path("decode_icc_exif.jpg"));
        byte[] stripped = JpegMarkers.withoutIccProfile(file);
        assertTrue(stripped.length < file.length - 500, "the 536-byte profile segment is dropped");
        byte[] plain = ImageCodec.encode(FixtureRandom.image(2, 16, 16), ImageFormat.JPG);
        assertTrue(
                plain == JpegMarkers.withoutIccProfile(plain), "a file without a profile is passed through untouched");
    }

    @Test
    void cmykJpegDecodesCloseToPillow() throws Exception {
        RgbImage expected = Fixtures.image("decode_cmyk.expected.png");
        RgbImage actual = ImageCodec.decode(Fixtures.path("decode_cmyk.jpg"));
        int max = 0;
        for (int i = 0; i < expected.rgb().length; i++)
            max = Math.max(max, Math.abs((expected.rgb()[i] & 0xFF) - (actual.rgb()[i] & 0xFF)));
        // Different JPEG decoders (IJG 6b vs libjpeg-turbo): a few levels at most; the colour rule itself is exact.
        assertTrue(max <= 4, "max abs diff vs Pillow " + max);
    }

    @Test
    void corruptTruncatedAndEmptyFilesGiveOneLineErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path empty = Files.write(dir.resolve("00001.jpg"), new byte[0]);
        Path junk = Files.write(dir.resolve("00002.jpg"), "not an image at all".getBytes());
        byte[] jpg = ImageCodec.encode(FixtureRandom.image(1, 64, 64), ImageFormat.JPG);
        Path truncated = Files.write(dir.resolve("00003.jpg"), Arrays.copyOf(jpg, 40));
        byte[] png = ImageCodec.encode(FixtureRandom.image(1, 64, 64), ImageFormat.PNG);
        Path truncPng = Files.write(dir.resolve("00004.png"), Arrays.copyOf(png, png.length / 2));
        for (Path p : new Path[] {empty, junk, truncated, truncPng}) {
            IOException e = assertThrows(IOException.class, () -> ImageCodec.decode(p), p.toString());
            assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(IOException.class, () -> ImageCodec.decode(empty))
                .getMessage()
                .contains("empty file"));
    }

    @Test
    void jpegIsBaselineQuality75With420Subsampling() throws Exception {
        byte[] jpg = ImageCodec.encode(FixtureRandom.image(2, 48, 40), ImageFormat.JPG);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpg))) {
            ImageReader r = ImageIO.getImageReadersByFormatName("jpeg").next();
            r.setInput(in);
            Element root = (Element) r.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
            Element sof = (Element) root.getElementsByTagName("sof").item(0);
            assertEquals("0", sof.getAttribute("process"), "baseline");
            NodeList comps = root.getElementsByTagName("componentSpec");
            assertEquals(3, comps.getLength());
            assertEquals("2", ((Element) comps.item(0)).getAttribute("HsamplingFactor"));
            assertEquals("2", ((Element) comps.item(0)).getAttribute("VsamplingFactor"));
            for (int i = 1; i < 3; i++) {
                assertEquals("1", ((Element) comps.item(i)).getAttribute("HsamplingFactor"));
                assertEquals("1", ((Element) comps.item(i)).getAttribute("VsamplingFactor"));
            }
            r.dispose();
        }
        // IJG quality 75 luminance table starts 8, 6, 6, 7 (= round(16/12/14... * 0.5))
        int dqt = indexOf(jpg, new byte[] {(byte) 0xFF, (byte) 0xDB});
        assertArrayEquals(new byte[] {8, 6, 6, 7}, Arrays.copyOfRange(jpg, dqt + 5, dqt + 9));
    }

    @Test
    void writeIsAtomicAndCreatesFolders(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a/b/00001_resized.png");
        RgbImage img = FixtureRandom.image(9, 20, 10);
        ImageCodec.write(img, f, ImageFormat.PNG);
        assertArrayEquals(img.rgb(), ImageCodec.decode(f).rgb());
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temp files left");
        }
    }

    private static int indexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= a.length; i++) {
            for (int j = 0; j < pat.length; j++) if (a[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }
}
