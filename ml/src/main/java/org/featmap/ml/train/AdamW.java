package org.featmap.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.featmap.ml.mapping.MappingModel;

/**
 * torch.optim.AdamW (single-tensor CPU path) written out: decoupled weight decay p ← p·(1 − lr·wd),
 * then Adam with bias correction, denominator √v/√(1−β2^t) + eps. DJL's own AdamW folds eps inside
 * the bias-corrected step and keeps its moments private (not checkpointable), so it is not used
 * (spec §12.2). Parameters without a gradient are skipped (spec §6.4).
 */
public final class AdamW {
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private double lr;
    private long step;

    public AdamW(
            Map<String, NDArray> trainable,
            NDManager manager,
            double lr,
            double weightDecay,
            double beta1,
            double beta2,
            double eps) {
        this.params = trainable;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    public long stepCount() {
        return step;
    }

    public void restore(long stepCount, double lr, Map<String, NDArray> state) {
        this.step = stepCount;
        this.lr = lr;
        for (String k : params.keySet()) {
            MappingModel.copyInto(m.get(k), state.get("adamw.m." + k));
            MappingModel.copyInto(v.get(k), state.get("adamw.v." + k));
        }
    }

    /** Moments by key, prefixed adamw.m. / adamw.v., for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("adamw.m." + k, a));
        v.forEach((k, a) -> out.put("adamw.v." + k, a));
        return out;
    }

    /**
     * One update. libtorch's grad mode is per thread and on by default; in-place updates of leaf
     * parameters need it off, whatever thread (e.g. a Temporal activity thread) calls this.
     */
    public void step() {
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            update();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
    }

    private void update() {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / bc1);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray mk = m.get(e.getKey());
            NDArray vk = v.get(e.getKey());
            // the temporaries are closed here: DJL frees an NDArray only when it or its manager is closed, and the
            // model's manager lives for the whole training, so unclosed they added 4 parameter-sized tensors to the
            // RSS at every step (≈ 130 MB per step for the spec's transformer; AttentionBench, issue #15)
            try (NDArray g = p.getGradient(); // a second handle on the .grad tensor: closing it frees the handle only
                    NDArray g1 = g.mul((float) (1 - beta1));
                    NDArray g2 = g.mul(g)) {
                p.muli((float) (1 - lr * weightDecay));
                mk.muli((float) beta1).addi(g1);
                vk.muli((float) beta2).addi(g2.muli((float) (1 - beta2)));
                try (NDArray denom = vk.sqrt()) { // of the updated second moment
                    denom.divi((float) bc2Sqrt).addi((float) eps);
                    try (NDArray upd = mk.div(denom)) {
                        p.subi(upd.muli(stepSize));
                    }
                }
            }
        }
    }

    /**
     * Sets every gradient to exactly 0. {@code g.subi(g)} is not enough: a gradient buffer that holds NaN
     * (libtorch may hand out an uninitialised one before the first backward) stays NaN, and the first
     * step then poisons the weights — seen as "non-finite train loss NaN at epoch 0 batch 2".
     */
    public void zeroGrad() {
        for (NDArray p : params.values()) ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
    }
}
