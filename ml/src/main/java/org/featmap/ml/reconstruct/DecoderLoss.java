package org.featmap.ml.reconstruct;

import ai.djl.ndarray.NDArray;

/**
 * Pixel loss of the decoder, mean over all N·3·S·S values of images in [0,1]. L1 is the default: for a
 * many-to-one inverse (a feature map does not determine its image) the L2 optimum is the blurry
 * conditional mean, L1 the sharper median. MSE is {@code mean((x−y)²)} (not DJL's {@code l2Loss}, which
 * halves it).
 */
public enum DecoderLoss {
    L1,
    MSE;

    public NDArray compute(NDArray pred, NDArray target) {
        NDArray d = pred.sub(target);
        return this == L1 ? d.abs().mean() : d.square().mean();
    }

    public static DecoderLoss parse(String name) {
        for (DecoderLoss l : values()) if (l.name().equalsIgnoreCase(name)) return l;
        throw new IllegalArgumentException("decoder loss '" + name + "'; allowed: l1, mse");
    }
}
