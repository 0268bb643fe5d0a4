package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.featmap.core.contract.DivergedException;
import org.featmap.ml.mapping.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learning rate that diverges ends the cell with a DivergedException (non-retryable), naming epoch and batch. */
class DivergenceTest {
    @TempDir
    Path tmp;

    @Test
    void aDivergingLearningRateFailsWithEpochAndBatch() {
        TrainOptions o = TrainOptions.defaults(
                        ModelType.LINEAR, false, "grayscale", tmp.resolve("c"), tmp.resolve("o"), null)
                .withMaxEpochs(20)
                .withBatchSize(8)
                .withLearningRate(1e12);
        SyntheticPairs data = new SyntheticPairs(100, 16, 3, 3, 5);
        DivergedException e = assertThrows(
                DivergedException.class, () -> TrainStage.run(o, data, Optional.empty(), TrainListener.NONE));
        assertTrue(e.getMessage().startsWith("training diverged: "), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                " at epoch " + e.epoch() + (e.batch() >= 0 ? " batch " + e.batch() : " (validation)")),
                e.getMessage());
        assertTrue(e.getMessage().contains("learning rate 1.0E12"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // the same run again (what a retry would do) diverges at the same place: retrying cannot help
        DivergedException again = assertThrows(
                DivergedException.class,
                () -> TrainStage.run(
                        o.withDirs(tmp.resolve("c2"), tmp.resolve("o2")), data, Optional.empty(), TrainListener.NONE));
        assertEquals(e.epoch(), again.epoch());
        assertEquals(e.batch(), again.batch());
    }
}
