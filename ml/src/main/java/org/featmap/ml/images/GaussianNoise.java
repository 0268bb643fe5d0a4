package org.featmap.ml.images;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * noise_&lt;sd&gt; of spec §2.3: one N(0, sd) sample per pixel and channel, truncated toward zero, added,
 * clipped to 0..255. Departure from the reference (spec §11 B16): the reference used numpy's unseeded
 * global generator in forked workers; here each image gets its own seed ({@link #seed}), so runs are
 * reproducible and independent of thread scheduling. Samples come from {@link SplittableRandom}
 * (SplitMix64) and Java 17's {@code RandomGenerator.nextGaussian()} (a ziggurat).
 */
public final class GaussianNoise {
    private GaussianNoise() {}

    /**
     * Seed rule: the first 8 bytes (big-endian) of SHA-256 over the UTF-8 text
     * {@code "featmap-noise|<dataset>|<split>|<imageId>|<manipulation>"}.
     */
    public static long seed(String dataset, String split, String imageId, String manipulation) {
        String key = "featmap-noise|" + dataset + "|" + split + "|" + imageId + "|" + manipulation;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) s = (s << 8) | (d[i] & 0xFF);
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RgbImage apply(RgbImage img, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] in = img.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (byte) addTruncated(in[i] & 0xFF, rng.nextGaussian() * sd);
        return new RgbImage(img.width(), img.height(), out);
    }

    /** pixel + trunc(sample) clipped to 0..255 (AV5). */
    public static int addTruncated(int pixel, double sample) {
        int v = pixel + (int) sample; // (int) truncates toward zero like numpy's astype(int16)
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
