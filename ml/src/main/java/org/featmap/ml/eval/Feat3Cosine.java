package org.featmap.ml.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.images.RgbImage;

/**
 * The image-space cosine metrics of spec §7.3 step 2 (MEDIAN_COS_SIM, MASKED_MEDIAN_COS_SIM): feat3
 * of a ConvNeXt export (stage0..3 chain, §3.2 preprocessing) of two images, per-position cosine,
 * lower median. Images go through the backbone in batches. Not thread-safe.
 */
public final class Feat3Cosine implements AutoCloseable {
    public static final String LAYER = "feat3";
    private final Backbone backbone;
    private final Preprocess preprocess;
    private final int channels, height, width, batch;

    private Feat3Cosine(Backbone backbone, int batch) {
        this.backbone = backbone;
        this.preprocess = Preprocess.of(backbone.manifest());
        BackboneManifest.LayerEntry l = backbone.layers().get(0);
        this.channels = l.shape().get(0);
        this.height = l.shape().get(1);
        this.width = l.shape().get(2);
        this.batch = batch;
    }

    /** Opens the feat3 chain of a ConvNeXt export; {@code batch} images per backbone call. */
    public static Feat3Cosine open(Path exportDir, Device device, int batch) throws IOException {
        BackboneManifest m = BackboneManifest.load(exportDir);
        if (!m.layerNames().contains(LAYER))
            throw new IllegalArgumentException(exportDir + ": export has no layer " + LAYER + " (has " + m.layerNames()
                    + "); the cosine image metrics need a ConvNeXt export");
        return new Feat3Cosine(Backbone.open(exportDir, device, List.of(LAYER)), Math.max(1, batch));
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** True when the feat3 grid is the 9×9 of the change mask (ConvNeXt at 288, spec N7). */
    public boolean maskFits() {
        return height == ChangeMask.GRID && width == ChangeMask.GRID;
    }

    /** feat3 (C·H·W float32, CHW) of each image, computed in batches. */
    public List<float[]> features(List<RgbImage> images) {
        int crop = preprocess.crop(), in = 3 * crop * crop, per = channels * height * width;
        List<float[]> out = new ArrayList<>(images.size());
        for (int s = 0; s < images.size(); s += batch) {
            int b = Math.min(batch, images.size() - s);
            float[] x = new float[b * in];
            for (int j = 0; j < b; j++) preprocess.toChw(images.get(s + j), x, j * in);
            try (NDManager m = org.featmap.ml.ComputeDevice.manager(backbone.device())) {
                Map<String, NDArray> f =
                        backbone.forward(org.featmap.ml.Tensors.owned(m, x, new Shape(b, 3, crop, crop)));
                float[] all = f.get(LAYER).toDevice(Device.cpu(), false).toFloatArray();
                for (int j = 0; j < b; j++) {
                    float[] one = new float[per];
                    System.arraycopy(all, j * per, one, 0, per);
                    out.add(one);
                }
            }
        }
        return out;
    }

    /** MEDIAN_COS_SIM of two feat3 maps. */
    public double median(float[] a, float[] r) {
        return CosineMetrics.medianCosine(a, r, channels, height, width);
    }

    /**
     * MASKED_MEDIAN_COS_SIM with the 9×9 change mask. The reference applies the 9×9 mask to the feat3
     * grid, which is 9×9 only for ConvNeXt at 288 (spec N7); for another grid (another input size) the
     * cells do not correspond, so this returns NaN (an empty cell, "skipped because" in the report)
     * rather than resampling the mask.
     */
    public double maskedMedian(float[] a, float[] r, boolean[] mask9x9) {
        if (!maskFits()) return Double.NaN;
        return CosineMetrics.maskedMedianCosine(a, r, channels, height, width, mask9x9);
    }

    @Override
    public void close() {
        backbone.close();
    }
}
