package org.featmap.ml.reconstruct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.PillowResample;
import org.featmap.ml.images.RgbImage;

/**
 * The training targets of the decoder: the image of each store row as the backbone saw it, at S×S.
 * The backbone input is Resize(shorter side)+CenterCrop (spec §3.2), i.e. the centred square of the image;
 * we take that square and resize it with Pillow bilinear (§3.6) to S×S. For the 288×288 manipulated images
 * of §1.5 this is exactly {@code PIL.Image.resize((S,S), BILINEAR)}.
 */
final class DecoderTargets {
    private DecoderTargets() {}

    /**
     * Rows' targets as CHW uint8, {@code 3·S·S} bytes per row, in row order (decoded in parallel), held in memory
     * for the whole training: 12 KiB per row at S=64 (CUB train with 12 manipulations, ~78k rows: ~0.9 GiB).
     */
    static byte[] load(FeatureStoreReader store, Path imagesDir, int size) {
        int n = store.size(), per = 3 * size * size;
        if ((long) n * per > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(store.dir() + ": " + n + " rows × 3×" + size
                    + "² target bytes exceed 2 GiB held in memory; use a smaller imageSize or fewer rows");
        byte[] out = new byte[n * per];
        try {
            IntStream.range(0, n).parallel().forEach(r -> {
                Path file = imagesDir.resolve(store.path(r));
                try {
                    toChw(target(ImageCodec.decode(file), size), out, r * per);
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            file + " (store " + store.dir() + ", row " + r + "): " + e.getMessage(), e);
                }
            });
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("decoder targets: " + e.getMessage(), e);
        }
        return out;
    }

    static RgbImage target(RgbImage img, int size) {
        int side = Math.min(img.width(), img.height());
        RgbImage sq = img;
        if (img.width() != img.height()) {
            // same offsets as torchvision CenterCrop: round((W - side) / 2), half to even
            int left = (int) Math.rint((img.width() - side) / 2.0), top = (int) Math.rint((img.height() - side) / 2.0);
            byte[] rgb = new byte[side * side * 3];
            for (int y = 0; y < side; y++)
                System.arraycopy(img.rgb(), ((top + y) * img.width() + left) * 3, rgb, y * side * 3, side * 3);
            sq = new RgbImage(side, side, rgb);
        }
        return side == size ? sq : PillowResample.resize(sq, size, size, PillowResample.Filter.BILINEAR);
    }

    static void toChw(RgbImage img, byte[] dst, int off) {
        int plane = img.width() * img.height();
        byte[] rgb = img.rgb();
        for (int i = 0; i < plane; i++) {
            dst[off + i] = rgb[i * 3];
            dst[off + plane + i] = rgb[i * 3 + 1];
            dst[off + 2 * plane + i] = rgb[i * 3 + 2];
        }
    }
}
