package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch split into micro-batches trains the same model as one pass (MemoryBudget.microBatch): the loss
 * is a per-sample mean and the dropout masks are drawn per sample (MaskSource), so only float summation
 * order differs.
 */
class MicroBatchIT {
    @TempDir
    Path tmp;

    private TrainResult train(ModelType type, int micro, String name) throws Exception {
        TrainOptions o = TrainOptions.defaults(
                        type,
                        false,
                        "grayscale",
                        tmp.resolve(name + "/ckpt"),
                        tmp.resolve(name + "/out"),
                        new TrainOptions.ModelInfo("convnext", "SYNTH", "direct", "feat3"))
                .withMaxEpochs(2)
                .withBatchSize(8)
                .withLearningRate(1e-3);
        return TrainStage.run(
                o,
                new SyntheticPairs(60, 8, 3, 3, 9),
                Optional.empty(),
                TrainListener.NONE,
                new TrainStage.Variant(new Dims(16, 16, 32, 4, 48, 2), true, m -> {}, micro));
    }

    @Test
    void transformerWithDropoutTrainsTheSameInMicroBatches() throws Exception {
        TrainResult whole = train(ModelType.TRANSFORMER, 0, "whole");
        TrainResult split = train(ModelType.TRANSFORMER, 3, "split"); // 8 = 3 + 3 + 2: uneven on purpose
        for (int e = 0; e < 2; e++) {
            assertEquals(
                    whole.trainLosses().get(e),
                    split.trainLosses().get(e),
                    1e-5 * whole.trainLosses().get(e));
            assertEquals(
                    whole.valLosses().get(e),
                    split.valLosses().get(e),
                    1e-5 * whole.valLosses().get(e));
        }
    }

    @Test
    void mlpDropoutMasksDoNotDependOnTheSplit() throws Exception {
        TrainResult whole = train(ModelType.MLP, 0, "mlp-whole");
        TrainResult split = train(ModelType.MLP, 1, "mlp-split");
        assertEquals(whole.bestValLoss(), split.bestValLoss(), 1e-5 * whole.bestValLoss());
    }

    @Test
    void autoMicroBatchKeepsSmallMapsWholeAndSplitsFeat0() {
        TrainOptions o = TrainOptions.defaults(ModelType.TRANSFORMER, false, "grayscale", tmp, tmp, null);
        assertEquals(32, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 9, 9, ai.djl.Device.cpu()));
        long cpu24 = 24L << 30, l40 = 46_068L << 20, a100 = 81_920L << 20;
        // CPU with dropout: libtorch's math path keeps ≈3.2 heads·N² maps per layer (PyTorch too): 12.9 GB per feat0
        // sample
        assertEquals(1, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 72, 72, false, cpu24));
        // feat1 on 24 GB: 14 fit, so 3 passes of equal size (11 + 11 + 10)
        assertEquals(11, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 36, 36, false, cpu24));
        // GPU (memory-efficient kernel, O(tokens)): 1.53 GB per feat0 sample, 0.38 GB per feat1 sample
        assertEquals(16, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 72, 72, true, l40));
        assertEquals(32, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 36, 36, true, l40));
        assertEquals(32, MemoryBudget.microBatch(o, TrainStage.Variant.SPEC, 72, 72, true, a100));
        // without dropout the CPU takes the flash kernel too: O(tokens)
        TrainStage.Variant noDropout = new TrainStage.Variant(Dims.SPEC, false, m -> {});
        assertEquals(8, MemoryBudget.microBatch(o, noDropout, 72, 72, false, cpu24));
        TrainOptions cnn = TrainOptions.defaults(ModelType.CNN, false, "grayscale", tmp, tmp, null);
        assertEquals(
                32,
                MemoryBudget.microBatch(
                        cnn, new TrainStage.Variant(Dims.SPEC, true, m -> {}, 4), 72, 72, ai.djl.Device.cpu()));
    }

    @Test
    void sampleBytesFollowTheMeasuredSteps() {
        // AttentionBench first-step peaks (bench/train/attention.sh, 2026-12-02): the budget covers each measurement
        // and exceeds it by less than 20 %
        double[][] measured = { // tokens, math path (1/0), MB measured (process first-step peak increment)
            {1296, 1, 980}, {5184, 1, 11874}, {1296, 0, 347}, {5184, 0, 1373}
        };
        for (double[] r : measured) {
            double mb = MemoryBudget.transformerSampleBytes(Dims.SPEC, (long) r[0], r[1] == 1) / (1 << 20);
            assertTrue(
                    mb >= r[2] && mb <= 1.2 * r[2],
                    (long) r[0] + " tokens, math path " + r[1] + ": budget " + mb + " MB vs " + r[2]);
        }
    }
}
