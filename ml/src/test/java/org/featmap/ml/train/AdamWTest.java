package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** Two AdamW steps against the torch formula evaluated by hand (moved from ClassifierHeadTest: fine-tuning uses this AdamW). */
    @Test
    void adamWIsDecoupled() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, -2f});
            p.setRequiresGradient(true);
            AdamW opt = new AdamW(Map.of("p", p), m, 0.1, 0.01, 0.9, 0.999, 1e-8);
            for (int step = 1; step <= 2; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(p.square().sum()); // grad = 2p
                }
                opt.step();
                opt.zeroGrad();
            }
            // hand: p0=(1,-2); step1: g=2p0; p*=1-0.001; m=0.1g; v=0.001g²; p-=0.1*(m/0.1)/(sqrt(v/0.001)+1e-8)
            double[] q = {1, -2}, mm = new double[2], vv = new double[2];
            for (int t = 1; t <= 2; t++) {
                for (int i = 0; i < 2; i++) {
                    double g = 2 * q[i];
                    q[i] *= 1 - 0.1 * 0.01;
                    mm[i] = 0.9 * mm[i] + 0.1 * g;
                    vv[i] = 0.999 * vv[i] + 0.001 * g * g;
                    double bc1 = 1 - Math.pow(0.9, t), bc2 = 1 - Math.pow(0.999, t);
                    q[i] -= 0.1 / bc1 * mm[i] / (Math.sqrt(vv[i]) / Math.sqrt(bc2) + 1e-8);
                }
            }
            float[] got = p.toFloatArray();
            assertEquals(q[0], got[0], 1e-6);
            assertEquals(q[1], got[1], 1e-6);
        }
    }
}
