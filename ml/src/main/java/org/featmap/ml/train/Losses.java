package org.featmap.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.featmap.ml.Tensors;

/** Losses of spec §6.3 on (B, C, H, W) float32 maps; differentiable through the engine. */
public final class Losses {
    public static final float MSE_SCALE = 0.3f;
    public static final float COS_SCALE = 0.7f;
    private static final float EPS = 1e-8f;

    private Losses() {}

    /** Constants on the autograd path are owned tensors, never DJL's Number overloads (Tensors.scalar). */
    private static NDArray scalar(NDArray like, float v) {
        return Tensors.scalar(like.getManager(), v);
    }

    public static NDArray compute(LossType type, NDArray pred, NDArray target) {
        return switch (type) {
            case MSE -> mse(pred, target);
            case COS_SIM -> cosLoss(pred, target);
            case COMBINED ->
                Tensors.mul(mse(pred, target), MSE_SCALE).add(Tensors.mul(cosLoss(pred, target), COS_SCALE));
        };
    }

    public static NDArray mse(NDArray pred, NDArray target) {
        return pred.sub(target).square().mean();
    }

    /** Per-position cosine (B, H·W) after L2-normalising both token vectors (F.normalize then cosine_similarity). */
    public static NDArray tokenCosines(NDArray pred, NDArray target) {
        Shape s = pred.getShape();
        NDArray u = l2normalize(pred);
        NDArray v = l2normalize(target);
        NDArray dot = u.mul(v).sum(new int[] {1});
        NDArray nu = u.square().sum(new int[] {1}).sqrt();
        NDArray nv = v.square().sum(new int[] {1}).sqrt();
        NDArray cos = dot.div(nu.mul(nv).maximum(scalar(pred, EPS)));
        // the reference clamps to ±(1 − 1e-8); in float32 those bounds round to ±1
        return cos.clip(-1f, 1f).reshape(s.get(0), s.get(2) * s.get(3));
    }

    private static NDArray l2normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(scalar(x, EPS)));
    }

    /**
     * 1 − mean over samples of the UPPER median (index floor(N/2) of the ascending sort) of the
     * per-position cosines (spec §6.3; the evaluator uses the lower median — spec §11 N2).
     */
    public static NDArray cosLoss(NDArray pred, NDArray target) {
        NDArray cos = tokenCosines(pred, target);
        long n = cos.getShape().get(1);
        NDArray median = cos.sort(1).get(":, " + (n / 2));
        return median.mean().neg().add(1f);
    }
}
