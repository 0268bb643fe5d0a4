package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;

/**
 * FeatInv's VAE decoder: takes the latent already divided by the scale factor (z / 0.18215, done by
 * {@link DdimSampler}) and returns (B,3,H,W) float32 images in about [−1, 1].
 */
@FunctionalInterface
public interface Decoder {
    NDArray decode(NDArray scaledLatent);
}
