package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;

/**
 * The noise predictor of FeatInv, ε(x_t, t, context, hint) = ControlNet + UNet with control scales
 * 1.0 (spec §7.4, §12.1). All arguments carry the same batch size B: x (B,4,h,w) float32, t (B) int64,
 * context (B,77,d) float32, hint (B, C, H, W) float32 raw feature map. Returns ε with x's shape.
 */
@FunctionalInterface
public interface EpsModel {
    NDArray eps(NDArray x, NDArray t, NDArray context, NDArray hint);
}
