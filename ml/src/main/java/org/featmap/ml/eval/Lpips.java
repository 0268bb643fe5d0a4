package org.featmap.ml.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featmap.core.store.Sha256;
import org.featmap.ml.images.RgbImage;

/**
 * LPIPS (spec §7.3: lpips 0.1.4, net 'alex', version 0.1) through the TorchScript module made by
 * python/export_lpips.py: lpips(x, y) on RGB NCHW float32 scaled x/127.5 − 1. Pairs of equal size are
 * sent to the module in batches. Not thread-safe.
 */
public final class Lpips implements AutoCloseable {
    public static final int DEFAULT_BATCH = 8;
    private final TorchScriptModule module;
    private final String net;
    private final int batch;

    private Lpips(TorchScriptModule module, String net, int batch) {
        this.module = module;
        this.net = net;
        this.batch = batch;
    }

    public static Lpips open(Path dir) throws IOException {
        return open(dir, DEFAULT_BATCH);
    }

    /** Loads {@code dir}/manifest.json (kind "lpips") and its module, checking the module's sha256. */
    public static Lpips open(Path dir, int batch) throws IOException {
        return open(dir, batch, null);
    }

    /** As {@link #open(Path, int)}, the module on {@code device} (null: the engine's default). */
    public static Lpips open(Path dir, int batch, ai.djl.Device device) throws IOException {
        Path mf = dir.resolve("manifest.json");
        if (!Files.isRegularFile(mf))
            throw new IOException(
                    "lpips export " + dir + " has no manifest.json (make one with python/export_lpips.py)");
        JsonNode m = new ObjectMapper().readTree(mf.toFile());
        if (!"lpips".equals(m.path("kind").asText()))
            throw new IOException(mf + ": kind '" + m.path("kind").asText() + "', expected 'lpips'");
        Path file = dir.resolve(m.path("module").asText("lpips.pt"));
        String expect = m.path("sha256").asText("");
        String got = Sha256.ofFile(file);
        if (!got.equals(expect)) throw new IOException(file + ": sha256 " + got + " disagrees with manifest " + expect);
        return new Lpips(TorchScriptModule.load(file, device), m.path("net").asText(), Math.max(1, batch));
    }

    /** "alex" for a real export, "tiny-test" for the parity fixture. */
    public String net() {
        return net;
    }

    public double distance(RgbImage a, RgbImage b) {
        return distances(List.of(a), List.of(b))[0];
    }

    /** LPIPS of each pair (a_i, b_i); each pair must share a size; runs of equal-size pairs are batched. */
    public double[] distances(List<RgbImage> a, List<RgbImage> b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("lpips: " + a.size() + " images vs " + b.size());
        double[] out = new double[a.size()];
        int i = 0;
        while (i < a.size()) {
            int w = a.get(i).width(), h = a.get(i).height();
            int j = i;
            while (j < a.size()
                    && j - i < batch
                    && a.get(j).width() == w
                    && a.get(j).height() == h) {
                if (b.get(j).width() != w || b.get(j).height() != h)
                    throw new IllegalArgumentException("lpips: pair " + j + " has sizes " + w + "x" + h + " and "
                            + b.get(j).width() + "x" + b.get(j).height());
                j++;
            }
            int n = j - i, per = 3 * w * h;
            float[] x = new float[n * per], y = new float[n * per];
            for (int k = 0; k < n; k++) {
                toScaledChw(a.get(i + k), x, k * per);
                toScaledChw(b.get(i + k), y, k * per);
            }
            JniUtils.setGradMode(false);
            try (NDManager m = NDManager.newBaseManager(module.device(), "PyTorch") /* already resolved */) {
                NDList res = module.forward(new NDList(
                        org.featmap.ml.Tensors.owned(m, x, new Shape(n, 3, h, w)),
                        org.featmap.ml.Tensors.owned(m, y, new Shape(n, 3, h, w))));
                float[] d = res.singletonOrThrow().toFloatArray();
                for (int k = 0; k < n; k++) out[i + k] = d[k];
            }
            i = j;
        }
        return out;
    }

    /** spec §7.3: RGB → NCHW float32, x/127.5 − 1 (as the reference's evaluator before lpips). */
    static void toScaledChw(RgbImage img, float[] dst, int off) {
        int plane = img.width() * img.height();
        byte[] rgb = img.rgb();
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < plane; p++) dst[off + c * plane + p] = (rgb[p * 3 + c] & 0xFF) / 127.5f - 1f;
    }

    @Override
    public void close() {
        module.close();
    }
}
