package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.featmap.ml.Tensors;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.ModelType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every tensor autograd saves for backward must own its memory. DJL's {@code NDArray.mul(Number)}
 * (and div, maximum, ...) wraps the number in a tensor over a direct buffer and closes it right after
 * the op; autograd keeps the tensor for backward, but once the GC has freed the buffer backward reads
 * whatever was allocated there next. That was the transformer's run-to-run nondeterminism and NaN
 * (docs/NOTES.md). Here the GC runs and small direct buffers full of NaN are allocated between forward
 * and backward: the gradients must equal those of an undisturbed pass.
 */
class AutogradLifetimeTest {
    private static final Dims SMALL = new Dims(24, 24, 32, 4, 48, 2);

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward(ModelType type) throws Exception {
        Map<String, float[]> calm = gradients(type, false);
        Map<String, float[]> disturbed = gradients(type, true);
        for (Map.Entry<String, float[]> e : calm.entrySet()) {
            float[] d = disturbed.get(e.getKey());
            for (float v : d) {
                assertTrue(Float.isFinite(v), type + " " + e.getKey() + ": non-finite gradient after a GC");
            }
            assertArrayEquals(e.getValue(), d, 0f, type + " " + e.getKey());
        }
    }

    private static Map<String, float[]> gradients(ModelType type, boolean disturb) throws Exception {
        int b = 4, c = 8, h = 3, w = 3;
        SplittableRandom r = new SplittableRandom(11);
        float[] xs = new float[b * c * h * w];
        float[] ys = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
            ys[i] = (float) r.nextGaussian();
        }
        List<ByteBuffer> poison = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            MappingModel model = MappingModel.create(type, m, c, false, "grayscale", 5, SMALL);
            model.masks().reseed(3);
            NDArray x = Tensors.owned(m, xs, new Shape(b, c, h, w));
            NDArray y = Tensors.owned(m, ys, new Shape(b, c, h, w));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Losses.compute(LossType.COMBINED, model.forward(x, true), y);
                NDArray scaled = Tensors.div(loss, 2f);
                if (disturb) {
                    for (int i = 0; i < 5; i++) {
                        System.gc();
                        Thread.sleep(20); // the Cleaner thread frees direct buffers after the GC
                    }
                    for (int i = 0; i < 20_000; i++) {
                        ByteBuffer bb =
                                ByteBuffer.allocateDirect(4 + (i % 4) * 4).order(ByteOrder.nativeOrder());
                        while (bb.remaining() >= 4) bb.putFloat(Float.NaN);
                        poison.add(bb);
                    }
                }
                gc.backward(scaled);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            model.trainable().forEach((k, p) -> out.put(k, p.getGradient().toFloatArray()));
            poison.clear();
            return out;
        }
    }
}
