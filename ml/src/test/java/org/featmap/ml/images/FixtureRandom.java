package org.featmap.ml.images;

/** The splitmix64 byte stream of python/fixtures/images/make_image_fixtures.py (splitmix_bytes). */
final class FixtureRandom {
    private FixtureRandom() {}

    static RgbImage image(long seed, int w, int h) {
        byte[] b = new byte[w * h * 3];
        long state = seed;
        for (int i = 0; i < b.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            b[i] = (byte) (z >>> 56);
        }
        return new RgbImage(w, h, b);
    }

    static RgbImage row(int... grey) {
        byte[] b = new byte[grey.length * 3];
        for (int i = 0; i < grey.length; i++) b[3 * i] = b[3 * i + 1] = b[3 * i + 2] = (byte) grey[i];
        return new RgbImage(grey.length, 1, b);
    }

    static int[] greyRow(RgbImage img) {
        int[] out = new int[img.width()];
        for (int x = 0; x < out.length; x++) out[x] = img.get(x, 0, 0);
        return out;
    }
}
