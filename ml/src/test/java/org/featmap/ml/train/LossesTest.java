package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Spec AV8, to 1e-6. */
class LossesTest {
    @Test
    void example1() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (B=1, C=2, H=1, W=2): channel-major values of tokens (1,0),(0,2) and (1,1),(0,-1)
            NDArray p = m.create(new float[] {1, 0, 0, 2}, new Shape(1, 2, 1, 2));
            NDArray t = m.create(new float[] {1, 0, 1, -1}, new Shape(1, 2, 1, 2));
            assertArrayEquals(
                    new float[] {0.70710677f, -1f}, Losses.tokenCosines(p, t).toFloatArray(), 1e-6f);
            assertEquals(0.29289323f, Losses.cosLoss(p, t).getFloat(), 1e-6f);
            assertEquals(2.5f, Losses.mse(p, t).getFloat(), 1e-6f);
            assertEquals(0.95502526f, Losses.compute(LossType.COMBINED, p, t).getFloat(), 1e-6f);
        }
    }

    @Test
    void example2() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] pv = new float[54];
            float[] tv = new float[54];
            for (int i = 0; i < 54; i++) {
                pv[i] = ((i % 7) - 3) / 2f;
                tv[i] = ((i % 5) - 2) / 3f;
            }
            NDArray p = m.create(pv, new Shape(2, 3, 3, 3));
            NDArray t = m.create(tv, new Shape(2, 3, 3, 3));
            float[] cos = Losses.tokenCosines(p, t).toFloatArray();
            assertArrayEquals(
                    new float[] {
                        0.5025189f,
                        0.70710677f,
                        -0.9438797f,
                        0.5883484f,
                        0.5976143f,
                        -0.9799579f,
                        0.09245002f,
                        -0.13483997f,
                        -0.99999994f,
                        0.24806947f,
                        -0.8528029f,
                        -0.6324555f,
                        0.7035265f,
                        -0.9245004f,
                        0.11952287f,
                        0.5669467f,
                        0.49613893f,
                        0.5025189f
                    },
                    cos,
                    1e-6f);
            assertEquals(0.8297403f, Losses.cosLoss(p, t).getFloat(), 1e-6f);
            assertEquals(1.1887861f, Losses.mse(p, t).getFloat(), 1e-6f);
            assertEquals(1.1887861f, Losses.compute(LossType.MSE, p, t).getFloat(), 1e-6f);
            assertEquals(0.8297403f, Losses.compute(LossType.COS_SIM, p, t).getFloat(), 1e-6f);
            assertEquals(0.93745404f, Losses.compute(LossType.COMBINED, p, t).getFloat(), 1e-6f);
        }
    }

    @Test
    void cossimSpellingAccepted() {
        assertEquals(LossType.COS_SIM, LossType.parse("COSSIM"));
    }
}
