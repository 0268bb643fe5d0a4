package org.featmap.ml.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import org.featmap.ml.train.AdamW;
import org.featmap.ml.train.LossType;
import org.featmap.ml.train.Losses;
import org.junit.jupiter.api.Test;

/**
 * Parity with PyTorch (fixture from python/parity/mapping_parity.py): eval forward of all four
 * mappings from the same weights, and three AdamW steps with accumulation 2 on the linear mapping.
 */
class MappingParityTest {
    private static final Dims SMALL = new Dims(32, 24, 32, 8, 64, 4);

    private static Map<String, NDArray> fixture(NDManager m) throws Exception {
        Path p = Path.of(MappingParityTest.class
                .getResource("/fixtures/mapping/mapping_parity.safetensors")
                .toURI());
        return Safetensors.read(p, m);
    }

    private static double relL2(NDArray a, NDArray b) {
        return a.sub(b).norm().getFloat() / b.norm().getFloat();
    }

    private static MappingModel loaded(ModelType t, NDManager m, Map<String, NDArray> fx, String prefix) {
        MappingModel model = MappingModel.create(t, m, 16, false, null, 0, SMALL);
        for (String k : model.stateDict().keySet()) {
            NDArray v = fx.get(prefix + k);
            assertTrue(v != null, "fixture lacks " + prefix + k);
            model.load(k, v);
        }
        return model;
    }

    @Test
    void evalForwardMatchesPytorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> fx = fixture(m);
            for (ModelType t : ModelType.values()) {
                MappingModel model = loaded(t, m, fx, t.key() + ".");
                NDArray y = model.forward(fx.get("x"), false);
                double err = relL2(y, fx.get(t.key() + ".y"));
                assertTrue(err <= 1e-5, t + " relative L2 error " + err);
            }
        }
    }

    @Test
    void adamWStepsWithAccumulationMatchPytorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> fx = fixture(m);
            MappingModel model = loaded(ModelType.LINEAR, m, fx, "train.init.");
            AdamW opt = new AdamW(model.trainable(), m, 1e-2, 1e-4, 0.9, 0.999, 1e-8);
            int nb = 3;
            for (int i = 0; i < nb; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = Losses.compute(
                            LossType.COMBINED, model.forward(fx.get("train.x" + i), true), fx.get("train.y" + i));
                    assertEquals(
                            fx.get("train.loss" + i).getFloat(0),
                            loss.getFloat(),
                            1e-6 * Math.abs(loss.getFloat()) + 1e-7,
                            "loss " + i);
                    gc.backward(org.featmap.ml.Tensors.div(loss, 2f));
                }
                if ((i + 1) % 2 == 0 || i == nb - 1) {
                    opt.step();
                    opt.zeroGrad();
                }
            }
            assertEquals(2, opt.stepCount());
            for (String k : new String[] {"weight", "bias"}) {
                double err = relL2(model.stateDict().get(k), fx.get("train.final." + k));
                assertTrue(err <= 1e-6, k + " relative L2 error after 2 AdamW steps " + err);
            }
        }
    }
}
