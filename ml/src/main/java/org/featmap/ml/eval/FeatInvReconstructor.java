package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.images.RgbImage;

/**
 * FeatInv reconstruction from an export described by a {@link FeatInvManifest}: raw feature maps
 * (B, C, H, W) of the manifest's layer → DDIM (spec §7.4) → B uint8 RGB images. The noise x_T is the
 * caller's (the reference draws it with torch's generator after seed_everything(100)).
 *
 * <p>Batching: the reference invokes FeatInv one sample at a time (spec §7.2); {@link #reconstructAll}
 * runs B samples through one sampler loop instead — per step one ε call on 2B rows (B unconditional then
 * B conditional, every row with its own sample's hint, spec §7.4), the DDIM update and the decoder on B
 * rows. Rows never mix inside the network (per-sample ops only), so each sample's image is the one it gets
 * alone, up to float reassociation in libtorch's batched kernels (FeatInvBatchingIT). Not thread-safe.
 */
public final class FeatInvReconstructor implements AutoCloseable {
    private final FeatInvManifest manifest;
    private final TorchScriptModule eps;
    private final TorchScriptModule decoder;
    private final float[] cond;
    private final float[] uncond;
    private final int steps;
    private final float guidance;
    private long epsNanos, epsCalls, decoderNanos;

    /**
     * Wall time inside the ε-network and the decoder since open (or {@link #resetTimings}); the rest of
     * a reconstruction is the Java DDIM loop (bench/recon reports it as a fraction of the sampler's time).
     */
    public record Timings(long epsNanos, long epsCalls, long decoderNanos) {}

    private FeatInvReconstructor(
            FeatInvManifest manifest,
            TorchScriptModule eps,
            TorchScriptModule decoder,
            float[] cond,
            float[] uncond,
            int steps,
            float guidance) {
        this.manifest = manifest;
        this.eps = eps;
        this.decoder = decoder;
        this.cond = cond;
        this.uncond = uncond;
        this.steps = steps;
        this.guidance = guidance;
    }

    /** Loads the export with the reference's sampler settings (50 steps, CFG 1.75). */
    public static FeatInvReconstructor open(Path manifestJson) throws IOException {
        return open(manifestJson, DdimSampler.Options.FEATINV.steps(), DdimSampler.Options.FEATINV.guidanceScale());
    }

    /** With the reference's sampler settings, the modules on {@code device} (stages pass the worker's). */
    public static FeatInvReconstructor open(Path manifestJson, ai.djl.Device device) throws IOException {
        return open(
                manifestJson, DdimSampler.Options.FEATINV.steps(), DdimSampler.Options.FEATINV.guidanceScale(), device);
    }

    public static FeatInvReconstructor open(Path manifestJson, int steps, float guidance) throws IOException {
        return open(manifestJson, steps, guidance, null);
    }

    public static FeatInvReconstructor open(Path manifestJson, int steps, float guidance, ai.djl.Device device)
            throws IOException {
        FeatInvManifest m = FeatInvManifest.read(manifestJson);
        float[] c = m.readContext(manifestJson, m.condContextFile());
        float[] u = m.readContext(manifestJson, m.uncondContextFile());
        TorchScriptModule e = TorchScriptModule.load(manifestJson.resolveSibling(m.epsFile()), device);
        try {
            TorchScriptModule d = TorchScriptModule.load(manifestJson.resolveSibling(m.decoderFile()), device);
            return new FeatInvReconstructor(m, e, d, c, u, steps, guidance);
        } catch (IOException ex) {
            e.close();
            throw ex;
        }
    }

    public FeatInvManifest manifest() {
        return manifest;
    }

    /**
     * @param features raw (unnormalised) maps (B, C, H, W) of the manifest's layer
     * @param xT noise (B, 4, h, w)
     */
    public DdimSampler.Result reconstruct(NDArray features, NDArray xT, Progress progress) {
        Shape fs = features.getShape();
        if (fs.dimension() != 4 || fs.get(0) != xT.getShape().get(0))
            throw new IllegalArgumentException(
                    "features must be (B,C,H,W) with x_T's batch, got " + fs + " and " + xT.getShape());
        manifest.requireLayer(
                manifest.backbone(), manifest.featureKey(), (int) fs.get(1), (int) fs.get(2), (int) fs.get(3));
        long b = fs.get(0);
        // a traced export has its batch baked in (eps at 2B = both guidance branches, decoder at B)
        if (manifest.tracedBatch() > 0 && manifest.tracedBatch() != 2 * b)
            throw new IllegalArgumentException("FeatInv export was traced for eps batch " + manifest.tracedBatch()
                    + " (= " + manifest.tracedBatch() / 2 + " reconstructions at a time), got " + b);
        boolean batched = true;
        NDManager m = xT.getManager();
        try (NDManager scope = m.newSubManager()) {
            NDArray c = scope.create(cond, new Shape(manifest.contextShapeArray()));
            NDArray u = scope.create(uncond, new Shape(manifest.contextShapeArray()));
            EpsModel timedEps = (x, t, ctx, hint) -> {
                long t0 = System.nanoTime();
                NDArray e = eps.eps(x, t, ctx, hint);
                epsNanos += System.nanoTime() - t0;
                epsCalls++;
                return e;
            };
            Decoder timedDecoder = z -> {
                long t0 = System.nanoTime();
                NDArray img = decoder.decode(z);
                decoderNanos += System.nanoTime() - t0;
                return img;
            };
            DdimSampler sampler =
                    new DdimSampler(timedEps, timedDecoder, new DdimSampler.Options(steps, guidance, batched));
            return sampler.sample(xT, c, u, features, progress);
        }
    }

    /**
     * Reconstructs N samples, {@code batch} at a time (spec §7.2 runs them one at a time: batch 1).
     *
     * @param features raw maps (N, C, H, W) of the manifest's layer
     * @param xT noise: (1, 4, h, w) = the same x_T for every sample, as the reference's reseeding with 100
     *     before every reconstruction gives (spec §7.4); or (N, 4, h, w), one per sample
     * @param batch samples per sampler loop; an export traced at a fixed batch accepts only its own (the
     *     last, shorter chunk is padded with copies of its last sample whose images are dropped)
     * @param progress reports samples done of N
     * @return N images in the order of {@code features}
     */
    public List<RgbImage> reconstructAll(NDArray features, NDArray xT, int batch, Progress progress) {
        Shape fs = features.getShape(), xs = xT.getShape();
        if (fs.dimension() != 4) throw new IllegalArgumentException("features must be (N,C,H,W), got " + fs);
        long n = fs.get(0);
        if (xs.dimension() != 4 || (xs.get(0) != 1 && xs.get(0) != n))
            throw new IllegalArgumentException("x_T must be (1,4,h,w) or (" + n + ",4,h,w), got " + xs);
        if (batch < 1) throw new IllegalArgumentException("reconstruction batch must be >= 1, got " + batch);
        int traced = manifest.tracedBatch() / 2;
        if (traced > 0 && batch != traced)
            throw new IllegalArgumentException("FeatInv export was traced for " + traced
                    + " reconstruction(s) at a time (eps batch " + manifest.tracedBatch() + "), asked for batch "
                    + batch + "; re-export with python/export_featinv.py --batch " + 2 * batch);
        List<RgbImage> out = new ArrayList<>((int) n);
        for (long start = 0; start < n; start += batch) {
            long end = Math.min(n, start + batch);
            int real = (int) (end - start);
            try (NDManager scope = features.getManager().newSubManager()) {
                NDArray f = features.get(start + ":" + end);
                f.attach(scope);
                NDArray x = xs.get(0) == 1 ? xT.repeat(0, real) : xT.get(start + ":" + end);
                x.attach(scope);
                if (traced > 0 && real < batch) { // fill the traced batch; padded rows do not affect the real ones
                    f = NDArrays.concat(
                            new NDList(f, f.get((real - 1) + ":" + real).repeat(0, batch - real)));
                    x = NDArrays.concat(
                            new NDList(x, x.get((real - 1) + ":" + real).repeat(0, batch - real)));
                    f.attach(scope);
                    x.attach(scope);
                }
                out.addAll(reconstruct(f, x, Progress.NONE).images().subList(0, real));
            }
            progress.report(end, n, null);
        }
        return out;
    }

    public Timings timings() {
        return new Timings(epsNanos, epsCalls, decoderNanos);
    }

    public void resetTimings() {
        epsNanos = epsCalls = decoderNanos = 0;
    }

    @Override
    public void close() {
        eps.close();
        decoder.close();
    }
}
