package org.featmap.ml.images;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Image file I/O with the reference's semantics: decode like Pillow's {@code Image.open(p).convert("RGB")}
 * (alpha dropped without compositing, 16-bit colour samples reduced to their high byte, 16-bit grey
 * clamped to 255, palette expanded,
 * grey replicated, EXIF orientation and embedded ICC profiles NOT applied — docs/IMAGES.md), encode baseline JPEG quality 75 with
 * 4:2:0 chroma subsampling and standard Huffman tables (Pillow's defaults, spec §1.5) or PNG.
 */
public final class ImageCodec {
    private ImageCodec() {}

    static {
        // ImageIO's streams over in-memory data otherwise cache in temp files: a file open per image read or written
        ImageIO.setUseCache(false);
    }

    /** JPEG quality of the reference (Pillow's default 75, spec §1.5). */
    public static final float JPEG_QUALITY = 0.75f;

    /** Decodes any supported file to 8-bit RGB; corrupt, truncated or empty files give a one-line IOException. */
    public static RgbImage decode(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(
                    file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (bytes.length == 0) throw new IOException(file + ": empty file (0 bytes)");
        try {
            return decode(bytes);
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().replace('\n', ' ');
            throw new IOException(file + ": not a decodable image (" + msg + ")");
        }
    }

    /** Decodes an in-memory file (see {@link #decode(Path)}; errors without the file name). */
    public static RgbImage decode(byte[] bytes) throws IOException {
        if (TurboJpeg.available() && isJpeg(bytes)) {
            RgbImage img = TurboJpeg.decode(bytes); // never applies ICC profiles or EXIF orientation, as Pillow
            if (img != null) return img;
        }
        return decodeImageIo(bytes);
    }

    static boolean isJpeg(byte[] b) {
        return b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    /** The javax.imageio path: every format, and JPEG where libjpeg-turbo's binding is absent or for CMYK/YCCK. */
    static RgbImage decodeImageIo(byte[] bytes) throws IOException {
        bytes = JpegMarkers.withoutIccProfile(bytes);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException("unknown image format");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if (reader.getFormatName().equalsIgnoreCase("jpeg")) {
                    int channels = jpegChannels(reader);
                    if (channels == 4) return cmykJpeg(reader.readRaster(0, null), hasAdobeMarker(reader));
                }
                BufferedImage img = reader.read(0);
                return toRgb(img);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Pillow-like conversion of a decoded image: palette → colours, grey → replicated, alpha dropped, 16-bit → high byte. */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (w <= 0 || h <= 0) throw new IllegalArgumentException("zero-sized image " + w + "x" + h);
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        byte[] out = new byte[w * h * 3];
        if (cm instanceof IndexColorModel icm) {
            int[] px = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, px);
                for (int x = 0; x < w; x++) {
                    int q = (y * w + x) * 3;
                    out[q] = (byte) icm.getRed(px[x]);
                    out[q + 1] = (byte) icm.getGreen(px[x]);
                    out[q + 2] = (byte) icm.getBlue(px[x]);
                }
            }
            return new RgbImage(w, h, out);
        }
        int bands = raster.getNumBands();
        int colourBands = cm.getNumColorComponents();
        int dataType = raster.getDataBuffer().getDataType();
        boolean sixteen = dataType == DataBuffer.TYPE_USHORT;
        boolean directBytes = dataType == DataBuffer.TYPE_BYTE || sixteen;
        if (!directBytes
                || (colourBands != 1 && colourBands != 3)
                || cm.getColorSpace().getType()
                        != (colourBands == 1
                                ? java.awt.color.ColorSpace.TYPE_GRAY
                                : java.awt.color.ColorSpace.TYPE_RGB)) {
            // Packed int images and other colour spaces: let Java2D convert (sRGB assumed, like Pillow).
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                out[i * 3] = (byte) (argb[i] >> 16);
                out[i * 3 + 1] = (byte) (argb[i] >> 8);
                out[i * 3 + 2] = (byte) argb[i];
            }
            return new RgbImage(w, h, out);
        }
        // Pillow keeps the high byte of 16-bit RGB / LA / RGBA PNG samples, but opens 16-bit grey without
        // alpha as mode "I;16", whose convert("RGB") clamps the value to 255 (verified with Pillow 12).
        boolean clampGrey16 = sixteen && colourBands == 1 && !cm.hasAlpha();
        int shift = sixteen && !clampGrey16 ? 8 : 0;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int q = (y * w + x) * 3;
                int p = x * bands;
                if (colourBands == 1) {
                    byte v = (byte) (clampGrey16 ? Math.min(row[p], 255) : row[p] >> shift);
                    out[q] = v;
                    out[q + 1] = v;
                    out[q + 2] = v;
                } else {
                    out[q] = (byte) (row[p] >> shift);
                    out[q + 1] = (byte) (row[p + 1] >> shift);
                    out[q + 2] = (byte) (row[p + 2] >> shift);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int jpegChannels(ImageReader reader) throws IOException {
        IIOMetadata meta = reader.getImageMetadata(0);
        Node root = meta.getAsTree("javax_imageio_jpeg_image_1.0");
        NodeList sofs = ((Element) root).getElementsByTagName("sof");
        if (sofs.getLength() == 0) return 3;
        return ((Element) sofs.item(0)).getElementsByTagName("componentSpec").getLength();
    }

    private static boolean hasAdobeMarker(ImageReader reader) throws IOException {
        Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
        return ((Element) root).getElementsByTagName("app14Adobe").getLength() > 0;
    }

    /**
     * CMYK JPEG (ImageIO cannot colour-convert it): raw C,M,Y,K samples, inverted when an Adobe marker is
     * present (Pillow reads those as "CMYK;I"), then Pillow's cmyk2rgb: out = 255 - min(255, c + k) as
     * Pillow computes it, see {@link #cmykToRgb}.
     */
    private static RgbImage cmykJpeg(Raster raster, boolean adobeInverted) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] px = new int[w * 4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int p = x * 4;
                int c = px[p], m = px[p + 1], ye = px[p + 2], k = px[p + 3];
                if (adobeInverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                int q = (y * w + x) * 3;
                out[q] = (byte) cmykToRgb(c, k);
                out[q + 1] = (byte) cmykToRgb(m, k);
                out[q + 2] = (byte) cmykToRgb(ye, k);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Pillow's cmyk2rgb for one channel: nk = 255 - k; clip8(nk - muldiv255(v, nk)). */
    static int cmykToRgb(int v, int k) {
        int nk = 255 - k;
        int tmp = v * nk + 128;
        int mul = (tmp + (tmp >> 8)) >> 8;
        int r = nk - mul;
        return r < 0 ? 0 : Math.min(r, 255);
    }

    /**
     * Writes {@code img} in {@code format}; the file appears atomically (encoded in memory, then written through
     * {@link org.featmap.ml.AtomicFiles}: a temp file named after this process and thread, renamed). One open and one close per file: the filesystem calls,
     * not the encoding, were the largest cost of the manipulate stage with createTempFile + a second open (JFR).
     */
    public static void write(RgbImage img, Path file, ImageFormat format) throws IOException {
        byte[] bytes = encode(img, format);
        org.featmap.ml.AtomicFiles.writeBytes(file, bytes);
    }

    public static byte[] encode(RgbImage img, ImageFormat format) throws IOException {
        if (format == ImageFormat.JPG && TurboJpeg.available()) return TurboJpeg.encode(img);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        if (format == ImageFormat.JPG) encodeJpeg(img, bos);
        else encodePng(img, bos);
        return bos.toByteArray();
    }

    /**
     * Baseline JPEG, IJG quality 75 tables, YCbCr 4:2:0 (Y sampled 2x2), standard Huffman tables: libjpeg-turbo
     * (Pillow's library) where its binding loads ({@link TurboJpeg}), else javax.imageio with the same settings.
     */
    public static void encodeJpeg(RgbImage img, OutputStream os) throws IOException {
        if (TurboJpeg.available()) {
            os.write(TurboJpeg.encode(img));
            return;
        }
        encodeJpegImageIo(img, os);
    }

    /** The javax.imageio encoder (fallback; also measured against libjpeg-turbo in bench/images). */
    static void encodeJpegImageIo(RgbImage img, OutputStream os) throws IOException {
        BufferedImage bi = toBufferedImage(img);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(os)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
            if (param instanceof javax.imageio.plugins.jpeg.JPEGImageWriteParam jp) jp.setOptimizeHuffmanTables(false);
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), param);
            force420(meta);
            writer.write(null, new IIOImage(bi, null, meta), param);
        } finally {
            writer.dispose();
        }
    }

    /** Sets luma sampling to 2x2 and chroma to 1x1 (4:2:0) explicitly, whatever the writer's default is. */
    private static void force420(IIOMetadata meta) throws IOException {
        String fmt = "javax_imageio_jpeg_image_1.0";
        Node root = meta.getAsTree(fmt);
        NodeList specs = ((Element) root).getElementsByTagName("componentSpec");
        for (int i = 0; i < specs.getLength(); i++) {
            Element c = (Element) specs.item(i);
            String f = i == 0 ? "2" : "1";
            c.setAttribute("HsamplingFactor", f);
            c.setAttribute("VsamplingFactor", f);
        }
        meta.setFromTree(fmt, root);
    }

    public static void encodePng(RgbImage img, OutputStream os) throws IOException {
        if (!ImageIO.write(toBufferedImage(img), "png", os)) throw new IOException("no PNG writer available");
    }

    /** A TYPE_3BYTE_BGR copy of {@code img}. */
    public static BufferedImage toBufferedImage(RgbImage img) {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] src = img.rgb();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        return bi;
    }
}
