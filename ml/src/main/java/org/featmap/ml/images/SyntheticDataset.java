package org.featmap.ml.images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Procedurally drawn RGB images in the dataset layout of spec §1.2 so that demos and tests have real,
 * learnable images without a download. A class fixes the foreground shape, its hue and the background
 * texture; each image varies position, scale, rotation, background tint and pixel noise. Image sizes
 * alternate between landscape and portrait non-square shapes so Resize(288)+CenterCrop is exercised.
 * Deterministic for a given seed on a given JDK (Java2D, antialiasing off).
 */
public final class SyntheticDataset {
    private SyntheticDataset() {}

    /** Default long side: a little above 288 so resize+crop runs, small enough to be fast. */
    public static final int DEFAULT_SIZE = 320;

    private static final String[] SHAPES = {"disc", "square", "triangle", "star", "ring", "cross"};
    private static final String[] BACKGROUNDS = {"stripes", "checker", "gradient", "dots"};

    /** Summary of what was written. */
    public record Summary(Path root, int classes, int trainImages, int testImages) {}

    public static Summary generate(Path out, int classes, int perClassTrain, int perClassTest, long seed)
            throws IOException {
        return generate(out, classes, perClassTrain, perClassTest, seed, DEFAULT_SIZE);
    }

    /**
     * Writes {@code <out>/images/{train,test}/<NNN>.<shape>_<background>_<k>/<id>.jpg}, ids 00001.. unique
     * over the dataset; {@code size} is the long side of each image (the short side is 15/16 of it).
     */
    public static Summary generate(Path out, int classes, int perClassTrain, int perClassTest, long seed, int size)
            throws IOException {
        if (classes < 1) throw new IllegalArgumentException("classes " + classes + " must be >= 1");
        if (perClassTrain < 0 || perClassTest < 0) throw new IllegalArgumentException("images per class must be >= 0");
        if (size < 16) throw new IllegalArgumentException("size " + size + " must be >= 16");
        int total = classes * (perClassTrain + perClassTest);
        int digits = Math.max(5, String.valueOf(total).length());
        int id = 0;
        for (String split : DatasetIngest.SPLITS) {
            int per = split.equals("train") ? perClassTrain : perClassTest;
            for (int c = 0; c < classes; c++) {
                Path dir = out.resolve("images").resolve(split).resolve(className(c));
                Files.createDirectories(dir);
                for (int i = 0; i < per; i++) {
                    id++;
                    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
                    boolean landscape = (id % 2) == 1;
                    int w = landscape ? size : size * 15 / 16;
                    int h = landscape ? size * 15 / 16 : size;
                    RgbImage img = draw(c, w, h, rng);
                    ImageCodec.write(img, dir.resolve(String.format("%0" + digits + "d.jpg", id)), ImageFormat.JPG);
                }
            }
        }
        return new Summary(out, classes, classes * perClassTrain, classes * perClassTest);
    }

    public static String className(int c) {
        return String.format(
                "%03d.%s_%s_%d",
                c + 1, SHAPES[c % SHAPES.length], BACKGROUNDS[(c / SHAPES.length) % BACKGROUNDS.length], c);
    }

    static Color classColour(int c, float saturation, float brightness) {
        float hue = (float) ((c * 0.6180339887498949) % 1.0);
        return Color.getHSBColor(hue, saturation, brightness);
    }

    static RgbImage draw(int c, int w, int h, SplittableRandom rng) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bi.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            background(g, (c / SHAPES.length) % BACKGROUNDS.length, w, h, rng, c);
            int s = Math.min(w, h);
            double scale = s * (0.25 + 0.15 * rng.nextDouble());
            double cx = w / 2.0 + (rng.nextDouble() - 0.5) * s * 0.3;
            double cy = h / 2.0 + (rng.nextDouble() - 0.5) * s * 0.3;
            AffineTransform at = new AffineTransform();
            at.translate(cx, cy);
            at.rotate(rng.nextDouble() * Math.PI * 2);
            g.setTransform(at);
            g.setColor(jitter(classColour(c, 0.85f, 0.95f), rng, 20));
            shape(g, c % SHAPES.length, (int) scale);
        } finally {
            g.dispose();
        }
        byte[] bgr = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[bgr.length];
        for (int i = 0; i < bgr.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                int v = (bgr[i + 2 - k] & 0xFF) + (int) (rng.nextGaussian() * 6);
                rgb[i + k] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static Color jitter(Color col, SplittableRandom rng, int amount) {
        return new Color(
                clamp(col.getRed() + rng.nextInt(-amount, amount + 1)),
                clamp(col.getGreen() + rng.nextInt(-amount, amount + 1)),
                clamp(col.getBlue() + rng.nextInt(-amount, amount + 1)));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static void background(Graphics2D g, int kind, int w, int h, SplittableRandom rng, int c) {
        Color base = jitter(classColour(c + 3, 0.25f, 0.55f), rng, 15);
        Color other = jitter(classColour(c + 7, 0.35f, 0.8f), rng, 15);
        g.setColor(base);
        g.fillRect(0, 0, w, h);
        g.setColor(other);
        int period = 12 + rng.nextInt(12);
        switch (kind) {
            case 0 -> {
                for (int x = -h; x < w; x += period)
                    g.fillPolygon(new int[] {x, x + period / 2, x + period / 2 + h, x + h}, new int[] {0, 0, h, h}, 4);
            }
            case 1 -> {
                for (int y = 0; y < h; y += period)
                    for (int x = ((y / period) % 2) * period; x < w; x += 2 * period) g.fillRect(x, y, period, period);
            }
            case 2 -> {
                for (int y = 0; y < h; y++) {
                    float t = y / (float) h;
                    g.setColor(blend(base, other, t));
                    g.drawLine(0, y, w, y);
                }
            }
            default -> {
                for (int y = period / 2; y < h; y += period)
                    for (int x = period / 2; x < w; x += period) g.fillOval(x - 3, y - 3, 6, 6);
            }
        }
    }

    private static Color blend(Color a, Color b, float t) {
        return new Color(
                Math.round(a.getRed() * (1 - t) + b.getRed() * t),
                Math.round(a.getGreen() * (1 - t) + b.getGreen() * t),
                Math.round(a.getBlue() * (1 - t) + b.getBlue() * t));
    }

    private static void shape(Graphics2D g, int kind, int r) {
        switch (kind) {
            case 0 -> g.fillOval(-r, -r, 2 * r, 2 * r);
            case 1 -> g.fillRect(-r * 4 / 5, -r * 4 / 5, r * 8 / 5, r * 8 / 5);
            case 2 -> g.fillPolygon(new int[] {0, r, -r}, new int[] {-r, r * 3 / 4, r * 3 / 4}, 3);
            case 3 -> {
                Polygon p = new Polygon();
                for (int i = 0; i < 10; i++) {
                    double a = Math.PI * i / 5;
                    double rr = i % 2 == 0 ? r : r * 0.45;
                    p.addPoint((int) Math.round(Math.sin(a) * rr), (int) Math.round(-Math.cos(a) * rr));
                }
                g.fillPolygon(p);
            }
            case 4 -> {
                g.setStroke(new BasicStroke(Math.max(2, r / 3f)));
                g.drawOval(-r * 5 / 6, -r * 5 / 6, r * 5 / 3, r * 5 / 3);
            }
            default -> {
                g.fillRect(-r, -r / 4, 2 * r, r / 2);
                g.fillRect(-r / 4, -r, r / 2, 2 * r);
            }
        }
    }
}
