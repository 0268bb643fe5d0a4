package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch split into micro-batches trains the same model as one pass (TrainStage.microBatch): the loss
 * is a per-sample mean and the dropout masks are drawn per sample (MaskSource), so only float summation
 * order differs.
 */
class MicroBatchIT {
  @TempDir Path tmp;

  private TrainResult train(ModelType type, int micro, String name) throws Exception {
    TrainOptions o = TrainOptions.defaults(type, false, "grayscale", tmp.resolve(name + "/ckpt"), tmp.resolve(name + "/out"),
            new TrainOptions.ModelInfo("convnext", "SYNTH", "direct", "feat3"))
        .withMaxEpochs(2).withBatchSize(8).withLearningRate(1e-3);
    return TrainStage.run(o, new SyntheticPairs(60, 8, 3, 3, 9), Optional.empty(), TrainListener.NONE,
        new TrainStage.Variant(new Dims(16, 16, 32, 4, 48, 2), true, m -> {}, micro));
  }

  @Test
  void transformerWithDropoutTrainsTheSameInMicroBatches() throws Exception {
    TrainResult whole = train(ModelType.TRANSFORMER, 0, "whole");
    TrainResult split = train(ModelType.TRANSFORMER, 3, "split"); // 8 = 3 + 3 + 2: uneven on purpose
    for (int e = 0; e < 2; e++) {
      assertEquals(whole.trainLosses().get(e), split.trainLosses().get(e), 1e-5 * whole.trainLosses().get(e));
      assertEquals(whole.valLosses().get(e), split.valLosses().get(e), 1e-5 * whole.valLosses().get(e));
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
    assertEquals(32, TrainStage.microBatch(o, TrainStage.Variant.SPEC, 9, 9, ai.djl.Device.cpu()));
    // ConvNeXt feat0: 4 layers · 8 copies · 8 heads · 5,184² · 4 B ≈ 27.5 GB per sample
    assertEquals(1, TrainStage.microBatch(o, TrainStage.Variant.SPEC, 72, 72, ai.djl.Device.cpu()));
    TrainOptions cnn = TrainOptions.defaults(ModelType.CNN, false, "grayscale", tmp, tmp, null);
    assertEquals(32, TrainStage.microBatch(cnn, new TrainStage.Variant(Dims.SPEC, true, m -> {}, 4), 72, 72,
        ai.djl.Device.cpu()));
  }
}
