package org.featmap.ml.analysis;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Objects;
import org.featmap.core.contract.Progress;

/**
 * Inputs of {@link WxbStage#run}: W·x versus bias of one linear cell (spec §9.1).
 *
 * @param cell the linear cell and the names of its CSV rows
 * @param features the layer's test feature store
 * @param norm norm.json of a normalised layer, or null
 * @param samples test pairs sampled (at most; all when fewer)
 * @param seed seed of the sample choice ({@code default_rng(seed).choice})
 * @param compatDoubleBias the reference's W·x+2b (spec §11 B15) instead of the intended W·x+b
 * @param out where wxb_metrics.csv goes
 * @param device where the model's weight is loaded (always given: the stage passes the worker's, issue #14)
 * @param progress one report per sample (may be null)
 */
public record WxbOptions(
        LinearCell cell,
        Path features,
        Path norm,
        int samples,
        long seed,
        boolean compatDoubleBias,
        Path out,
        Device device,
        Progress progress) {

    public WxbOptions {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(out, "out");
        if (samples < 1) throw new IllegalArgumentException("samples " + samples + ", must be >= 1");
        Objects.requireNonNull(device, "device");
        progress = progress == null ? Progress.NONE : progress;
    }

    /**
     * Defaults (those of config analysis.wxb_samples and of {@code featmap wxb}): no norm, 200 samples, seed 42, W·x+b,
     * no progress.
     */
    public static WxbOptions of(LinearCell cell, Path features, Path out, Device device) {
        return new WxbOptions(cell, features, null, 200, 42L, false, out, device, null);
    }

    /** norm.json of a normalised layer (the source maps are normalised before W·x), or null. */
    public WxbOptions withNorm(Path n) {
        return new WxbOptions(cell, features, n, samples, seed, compatDoubleBias, out, device, progress);
    }

    public WxbOptions withSampling(int n, long s) {
        return new WxbOptions(cell, features, norm, n, s, compatDoubleBias, out, device, progress);
    }

    public WxbOptions withCompatDoubleBias(boolean b) {
        return new WxbOptions(cell, features, norm, samples, seed, b, out, device, progress);
    }

    public WxbOptions withProgress(Progress p) {
        return new WxbOptions(cell, features, norm, samples, seed, compatDoubleBias, out, device, p);
    }
}
