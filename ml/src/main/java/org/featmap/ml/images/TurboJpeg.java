package org.featmap.ml.images;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libjpeg-turbo's TurboJPEG API through its own Java binding (Debian's {@code libturbojpeg-java}:
 * {@code /usr/share/java/turbojpeg.jar} + {@code libturbojpeg.so} from {@code libturbojpeg0-dev}), the library
 * Pillow encodes and decodes with (issue #20 item 1). The jar is not on Maven Central, so it is loaded at run
 * time from {@code FEATMAP_TURBOJPEG_JAR} (default the Debian path) in its own class loader, which is also the
 * loader its JNI library binds to. Absent (another OS, not installed) or {@code FEATMAP_JPEG=imageio}:
 * {@link #available()} is false and {@link ImageCodec} uses javax.imageio, which gave the same pixels on the
 * committed fixtures (docs/IMAGES.md).
 *
 * <p>Settings equal Pillow's {@code save(format="JPEG")} defaults: quality 75, 4:2:0, accurate integer DCT,
 * standard Huffman tables (TurboJPEG's defaults unless TJ_OPTIMIZE etc. are set in the environment); decoding
 * with the accurate IDCT and fancy upsampling, as Pillow's {@code Image.open} does. TurboJPEG never applies an
 * ICC profile or EXIF orientation, like Pillow's convert("RGB").
 */
public final class TurboJpeg {
    private TurboJpeg() {}

    // TJ constants (turbojpeg.h / TJ.java of libjpeg-turbo 2.x and 3.x)
    static final int PF_RGB = 0;
    static final int SAMP_420 = 2;
    static final int CS_RGB = 0;
    static final int CS_YCBCR = 1;
    static final int CS_GRAY = 2;
    static final int FLAG_ACCURATEDCT = 4096;

    private static final Handles H = load();

    private record Handles(
            MethodHandle newCompressor,
            MethodHandle setSourceImage,
            MethodHandle setSubsamp,
            MethodHandle setQuality,
            MethodHandle compress,
            MethodHandle compressedSize,
            MethodHandle closeCompressor,
            MethodHandle newDecompressor,
            MethodHandle width,
            MethodHandle height,
            MethodHandle colorspace,
            MethodHandle decompress,
            MethodHandle closeDecompressor,
            String source) {}

    private static Handles load() {
        if ("imageio".equalsIgnoreCase(System.getenv("FEATMAP_JPEG")) || Boolean.getBoolean("featmap.jpeg.imageio"))
            return null;
        String jar = System.getenv().getOrDefault("FEATMAP_TURBOJPEG_JAR", "/usr/share/java/turbojpeg.jar");
        if (!Files.isRegularFile(Path.of(jar))) return null;
        try {
            ClassLoader cl =
                    new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, TurboJpeg.class.getClassLoader());
            Class<?> comp = Class.forName("org.libjpegturbo.turbojpeg.TJCompressor", true, cl);
            Class<?> dec = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, cl);
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            Handles h = new Handles(
                    l.findConstructor(comp, MethodType.methodType(void.class)),
                    l.findVirtual(
                            comp,
                            "setSourceImage",
                            MethodType.methodType(
                                    void.class,
                                    byte[].class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class)),
                    l.findVirtual(comp, "setSubsamp", MethodType.methodType(void.class, int.class)),
                    l.findVirtual(comp, "setJPEGQuality", MethodType.methodType(void.class, int.class)),
                    l.findVirtual(comp, "compress", MethodType.methodType(byte[].class, int.class)),
                    l.findVirtual(comp, "getCompressedSize", MethodType.methodType(int.class)),
                    l.findVirtual(comp, "close", MethodType.methodType(void.class)),
                    l.findConstructor(dec, MethodType.methodType(void.class, byte[].class, int.class)),
                    l.findVirtual(dec, "getWidth", MethodType.methodType(int.class)),
                    l.findVirtual(dec, "getHeight", MethodType.methodType(int.class)),
                    l.findVirtual(dec, "getColorspace", MethodType.methodType(int.class)),
                    l.findVirtual(
                            dec,
                            "decompress",
                            MethodType.methodType(
                                    void.class,
                                    byte[].class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class,
                                    int.class)),
                    l.findVirtual(dec, "close", MethodType.methodType(void.class)),
                    jar);
            // one round trip proves the JNI library is there (TJLoader loads libturbojpeg.so on first use)
            RgbImage probe = new RgbImage(16, 16, new byte[16 * 16 * 3]);
            byte[] jpeg = encode(h, probe);
            decode(h, jpeg);
            return h;
        } catch (Throwable e) {
            return null; // not installed or not loadable: ImageIO is the fallback
        }
    }

    /** True when libjpeg-turbo's binding loaded (see the class comment). */
    public static boolean available() {
        return H != null;
    }

    /** Where the binding came from, or why ImageIO is used, for logs and benchmark output. */
    public static String describe() {
        if (H != null) return "libjpeg-turbo (TurboJPEG Java binding " + H.source() + ")";
        return "javax.imageio (libjpeg-turbo binding not loaded: install libturbojpeg-java and libturbojpeg0-dev, or FEATMAP_JPEG=imageio)";
    }

    /** Baseline JPEG, quality 75, 4:2:0, as Pillow's default save. */
    static byte[] encode(RgbImage img) {
        return encode(H, img);
    }

    /** Decoded 8-bit RGB of a YCbCr, RGB or grey JPEG; null for other colour spaces (CMYK, YCCK: the caller falls back). */
    static RgbImage decode(byte[] jpeg) {
        return decode(H, jpeg);
    }

    private static byte[] encode(Handles h, RgbImage img) {
        try {
            Object c = h.newCompressor().invoke();
            try {
                h.setSourceImage().invoke(c, img.rgb(), 0, 0, img.width(), img.width() * 3, img.height(), PF_RGB);
                h.setSubsamp().invoke(c, SAMP_420);
                h.setQuality().invoke(c, 75);
                byte[] buf = (byte[]) h.compress().invoke(c, FLAG_ACCURATEDCT);
                int n = (int) h.compressedSize().invoke(c);
                return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
            } finally {
                h.closeCompressor().invoke(c);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libjpeg-turbo encode failed: " + e.getMessage(), e);
        }
    }

    private static RgbImage decode(Handles h, byte[] jpeg) {
        try {
            Object d = h.newDecompressor().invoke(jpeg, jpeg.length);
            try {
                int cs = (int) h.colorspace().invoke(d);
                if (cs != CS_YCBCR && cs != CS_RGB && cs != CS_GRAY) return null;
                int w = (int) h.width().invoke(d);
                int ht = (int) h.height().invoke(d);
                byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, ht), 3)];
                h.decompress().invoke(d, rgb, 0, 0, w, w * 3, ht, PF_RGB, FLAG_ACCURATEDCT);
                return new RgbImage(w, ht, rgb);
            } finally {
                h.closeDecompressor().invoke(d);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // TJException: corrupt or truncated data, with libjpeg's message
            throw new IllegalArgumentException(
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }
}
