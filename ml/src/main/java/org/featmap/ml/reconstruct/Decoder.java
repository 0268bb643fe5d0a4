package org.featmap.ml.reconstruct;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.images.RgbImage;

/**
 * A trained decoder loaded from its directory ({@code decoder-0000.params} + {@code decoder.json}), turning
 * feature maps into images. Not thread-safe (one instance per thread).
 */
public final class Decoder implements AutoCloseable {
    /** Samples per forward pass inside {@link #reconstruct}. */
    public static final int CHUNK = 32;

    private final Model model;
    private final DecoderSidecar info;
    private final ParameterStore params;

    private Decoder(Model model, DecoderSidecar info) {
        this.model = model;
        this.info = info;
        this.params = new ParameterStore(model.getNDManager(), false);
    }

    /** Loads onto the CPU (plain-path tools and tests). */
    public static Decoder load(Path dir) throws IOException {
        return load(dir, Device.cpu());
    }

    /** Loads onto {@code device} (stages pass the worker's). */
    public static Decoder load(Path dir, Device device) throws IOException {
        DecoderSidecar info = DecoderSidecar.read(dir);
        Model model = org.featmap.ml.ComputeDevice.model("decoder", device);
        try {
            DecoderModel.Built b = DecoderModel.build(info.shape());
            b.block()
                    .initialize(
                            model.getNDManager(),
                            ai.djl.ndarray.types.DataType.FLOAT32,
                            DecoderModel.inputShape(info.shape()));
            model.setBlock(b.block());
            model.load(dir, DecoderSidecar.PREFIX);
            return new Decoder(model, info);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException(dir + ": cannot load decoder parameters: " + e.getMessage(), e);
        }
    }

    public DecoderSidecar info() {
        return info;
    }

    /** (N,C,h,w) float32 features → (N,3,S,S) in [0,1], on the features' manager; no autograd graph. */
    public NDArray forward(NDArray features) {
        Shape s = features.getShape();
        DecoderShape d = info.shape();
        if (s.dimension() != 4 || s.get(1) != d.channels() || s.get(2) != d.featHeight() || s.get(3) != d.featWidth())
            throw new IllegalArgumentException("decoder for " + info.backbone() + "/" + info.layer() + " takes (N,"
                    + d.channels() + "," + d.featHeight() + "," + d.featWidth() + ") features, got " + s);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return model.getBlock().forward(params, new NDList(features), false).singletonOrThrow();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Reconstructs every sample of (N,C,h,w) features, {@link #CHUNK} at a time. */
    public List<RgbImage> reconstruct(NDArray features) {
        long n = features.getShape().get(0);
        List<RgbImage> out = new ArrayList<>((int) n);
        for (long start = 0; start < n; start += CHUNK) {
            try (NDManager scope = features.getManager().newSubManager()) {
                NDArray part = features.get(new NDIndex("{}:{}", start, Math.min(n, start + CHUNK)));
                part.attach(scope);
                NDArray img = forward(part);
                img.attach(scope);
                float[] v = img.toFloatArray();
                int size = info.imageSize(), per = 3 * size * size;
                for (int i = 0; i < v.length / per; i++) out.add(toImage(v, i * per, size));
            }
        }
        return out;
    }

    /**
     * CHW floats in [0,1] → 8-bit RGB as FeatInv's decode does (spec §7 / N8): scale to 0..255, clip, and
     * truncate (not round).
     */
    public static RgbImage toImage(float[] chw, int off, int size) {
        int plane = size * size;
        byte[] rgb = new byte[plane * 3];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) {
                float x = chw[off + c * plane + i] * 255f;
                rgb[i * 3 + c] = (byte) (int) Math.max(0f, Math.min(255f, x));
            }
        return new RgbImage(size, size, rgb);
    }

    @Override
    public void close() {
        model.close();
    }
}
