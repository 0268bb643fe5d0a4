package org.featmap.ml.images.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.PixelBuffers;
import org.featmap.ml.images.ResizeCrop;
import org.featmap.ml.images.RgbImage;

/**
 * Benchmark main (not a test): one thread, images/s of resize+crop and of each manipulation on the PNGs
 * of a folder (bench/images/run.sh makes them), printed as "op images_per_s" lines. Also a JPEG helper
 * mode for bench/images/jpeg_compare.py: {@code jpeg <dir>}. Optional third argument: a regex of the op names to
 * run (default all). The manipulations write into a {@link PixelBuffers} pool and give each output back once it has
 * been read, the path {@code ManipulateStage} takes after encoding (its per-thread pool); {@code -Dbench.pool=false}
 * measures fresh arrays instead.
 */
public final class ImagesBench {
    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("jpeg")) {
            jpeg(Path.of(args[1]));
            return;
        }
        Path dir = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 2 ? args[2] : ".*");
        PixelBuffers buffers =
                Boolean.parseBoolean(System.getProperty("bench.pool", "true")) ? new PixelBuffers() : null;
        List<RgbImage> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".png")).sorted().toList())
                sources.add(ImageCodec.decode(p));
        }
        List<RgbImage> originals =
                sources.stream().map(i -> ResizeCrop.apply(i, 288)).toList();
        if (only.matcher("resize_crop").matches())
            time("resize_crop", seconds, n -> ResizeCrop.apply(sources.get(n % sources.size()), 288), null);
        for (Manipulation m : Manipulation.values())
            if (only.matcher(m.fileName()).matches())
                time(m.fileName(), seconds, n -> m.apply(originals.get(n % originals.size()), n, buffers), buffers);
        if (only.matcher("encode_jpeg").matches())
            time("encode_jpeg", seconds, n -> encode(originals.get(n % originals.size())), null);
        List<byte[]> jpegs = new ArrayList<>();
        for (RgbImage o : originals) jpegs.add(ImageCodec.encode(o, ImageFormat.JPG));
        if (only.matcher("decode_jpeg").matches())
            time("decode_jpeg", seconds, n -> decode(jpegs.get(n % jpegs.size())), null);
        System.err.println("jpeg codec: " + org.featmap.ml.images.TurboJpeg.describe());
    }

    private static RgbImage decode(byte[] jpeg) {
        try {
            return ImageCodec.decode(jpeg);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RgbImage encode(RgbImage img) {
        try {
            ImageCodec.encode(img, ImageFormat.JPG);
            return img;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Op {
        RgbImage run(int n);
    }

    private static long sink;

    /** Reads the output, then (pooled) gives its array back as the stage does after encoding it. */
    private static void consume(RgbImage out, PixelBuffers buffers) {
        sink += out.rgb()[0];
        if (buffers != null) buffers.give(out);
    }

    private static void time(String name, double seconds, Op op, PixelBuffers buffers) {
        long warmEnd = System.nanoTime() + (long) (0.5e9 * seconds);
        int n = 0;
        // at least 300 calls: on a loaded machine a time-only warm-up can end before the JIT has compiled
        while (n < 300 || System.nanoTime() < warmEnd) consume(op.run(n++), buffers);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int count = 0;
        while (System.nanoTime() < end) consume(op.run(count++), buffers);
        double ips = count / ((System.nanoTime() - start) / 1e9);
        System.out.printf("%s %.1f%n", name, ips);
    }

    /** For every X.png: X.java.jpg (Java encode); for every X.pil.jpg: X.javadec.png (Java decode). */
    private static void jpeg(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".src.png")) {
                    String stem = n.substring(0, n.length() - ".src.png".length());
                    ImageCodec.write(ImageCodec.decode(p), dir.resolve(stem + ".java.jpg"), ImageFormat.JPG);
                }
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".jpg")) {
                    String stem = n.substring(0, n.length() - ".jpg".length());
                    ImageCodec.write(ImageCodec.decode(p), dir.resolve(stem + ".javadec.png"), ImageFormat.PNG);
                }
            }
        }
    }
}
