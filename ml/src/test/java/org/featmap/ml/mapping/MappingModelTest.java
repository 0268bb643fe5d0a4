package org.featmap.ml.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MappingModelTest {
    private static final int[] CS = {128, 256, 512, 1024};
    private static final long[][] COUNTS = {
        {16_512, 131_712, 1_181_568, 8_543_872},
        {65_792, 262_912, 2_361_600, 8_675_072},
        {262_656, 525_312, 4_721_664, 8_937_472},
        {1_049_600, 1_050_112, 9_441_792, 9_462_272}
    };

    @Test
    void parameterCountsMatchSpecTable() {
        for (int i = 0; i < CS.length; i++) {
            for (ModelType t : ModelType.values()) {
                try (NDManager m = NDManager.newBaseManager()) {
                    MappingModel model = MappingModel.create(t, m, CS[i], false, "grayscale", 1);
                    assertEquals(COUNTS[i][t.ordinal()], model.parameterCount(), t + " C=" + CS[i]);
                }
            }
        }
    }

    @Test
    void spatialTransformMatchesAv3() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(9f).reshape(1, 1, 3, 3);
            check(x, "rotation_90", 2, 5, 8, 1, 4, 7, 0, 3, 6);
            check(x, "rotation_180", 8, 7, 6, 5, 4, 3, 2, 1, 0);
            check(x, "rotation_270", 6, 3, 0, 7, 4, 1, 8, 5, 2);
            check(x, "mirror_h", 2, 1, 0, 5, 4, 3, 8, 7, 6);
            check(x, "mirror_v", 6, 7, 8, 3, 4, 5, 0, 1, 2);
            check(x, "grayscale", 0, 1, 2, 3, 4, 5, 6, 7, 8);
        }
    }

    private static void check(NDArray x, String manip, float... expected) {
        assertArrayEquals(expected, SpatialTransform.apply(x, manip).toFloatArray(), manip);
    }

    @Test
    void forwardShapesAndIdenticalTransformerLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 16, 3, 4));
            for (ModelType t : ModelType.values()) {
                MappingModel model = MappingModel.create(t, m, 16, true, "rotation_180", 7);
                assertEquals(new Shape(2, 16, 3, 4), model.forward(x, false).getShape(), t.key());
                assertEquals(new Shape(2, 16, 3, 4), model.forward(x, true).getShape(), t.key());
            }
            MappingModel tf = MappingModel.create(ModelType.TRANSFORMER, m, 16, false, null, 7);
            assertEquals(
                    tf.stateDict().get("transformer.layers.0.linear1.weight"),
                    tf.stateDict().get("transformer.layers.3.linear1.weight"));
        }
    }

    /** A checkpoint restore on a thread whose libtorch grad mode is on (a fresh Temporal activity thread). */
    @Test
    void loadWorksWithGradModeOn() throws Exception {
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                MappingModel model = MappingModel.create(ModelType.LINEAR, m, 16, false, "grayscale", 1);
                var entry = model.stateDict().entrySet().iterator().next();
                ai.djl.ndarray.NDArray value = entry.getValue().duplicate().addi(1);
                model.load(entry.getKey(), value);
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        value.toFloatArray(),
                        model.stateDict().get(entry.getKey()).toFloatArray());
                org.junit.jupiter.api.Assertions.assertTrue(
                        ai.djl.pytorch.jni.JniUtils.isGradMode(), "grad mode restored");
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        t.start();
        t.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);
    }
}
