package org.featmap.ml.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * torch.optim.AdamW (spec §8.1, §12.2): decoupled weight decay p ← p·(1 − lr·wd), then the Adam step with
 * bias correction, denominator sqrt(v)/sqrt(1−β2^t) + eps. Updates the parameter arrays in place
 * (call with grad mode off); state lives on the manager given at construction.
 */
final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>(), v = new ArrayList<>();
    private final double weightDecay, beta1, beta2, eps;
    private final NDManager state;
    private int step;

    AdamW(NDManager manager, List<NDArray> params, double weightDecay, double beta1, double beta2, double eps) {
        this.state = manager.newSubManager();
        this.params = params;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (NDArray p : params) {
            m.add(state.zeros(p.getShape()));
            v.add(state.zeros(p.getShape()));
        }
    }

    /** One step with learning rate {@code lr}; reads and then zeroes each parameter's gradient. */
    void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            try (NDManager scope = state.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                NDArray g2 = g.square();
                g2.attach(scope);
                NDArray g1 = g.mul(1 - beta1);
                g1.attach(scope);
                g2.muli(1 - beta2);
                p.muli(1 - lr * weightDecay);
                m.get(i).muli(beta1).addi(g1);
                v.get(i).muli(beta2).addi(g2);
                NDArray denom = v.get(i).sqrt();
                denom.attach(scope);
                denom.divi(Math.sqrt(bc2)).addi(eps);
                NDArray upd = m.get(i).div(denom);
                upd.attach(scope);
                p.subi(upd.muli(lr / bc1));
                g.subi(g); // zero_grad: the handle shares the tensor's .grad storage
            }
        }
    }

    /** Moment estimates ({@code adamw.m.i}, {@code adamw.v.i}) for an epoch checkpoint; the step count is {@link #steps}. */
    java.util.Map<String, NDArray> state() {
        java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < m.size(); i++) {
            out.put("adamw.m." + i, m.get(i));
            out.put("adamw.v." + i, v.get(i));
        }
        return out;
    }

    int steps() {
        return step;
    }

    /** Continues from a checkpoint's {@link #state} and {@link #steps}. */
    void restore(int steps, java.util.Map<String, NDArray> saved) {
        for (int i = 0; i < m.size(); i++) {
            m.get(i).set(saved.get("adamw.m." + i).toFloatArray());
            v.get(i).set(saved.get("adamw.v." + i).toFloatArray());
        }
        step = steps;
    }

    @Override
    public void close() {
        state.close();
    }
}
