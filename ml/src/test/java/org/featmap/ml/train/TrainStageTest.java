package org.featmap.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.normstats.NormStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails fast with one-line messages, before any training. */
class TrainStageTest {
    @TempDir
    Path tmp;

    private TrainOptions opts() {
        return TrainOptions.defaults(ModelType.LINEAR, false, "grayscale", tmp.resolve("c"), tmp.resolve("o"), null);
    }

    @Test
    void normStatsChannelMismatch() {
        NormStats n = new NormStats(new float[8], new float[8], 3, "feat1", "CUB_200_2011");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TrainStage.run(opts(), new SyntheticPairs(40, 16, 2, 2, 1), Optional.of(n), TrainListener.NONE));
        assertEquals("norm stats feat1 have 8 channels, the features 16", e.getMessage());
    }

    @Test
    void tooFewPairs() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TrainStage.run(opts(), new SyntheticPairs(20, 4, 2, 2, 1), Optional.empty(), TrainListener.NONE));
        assertEquals(
                "training data: 20 pairs give 19 train / 1 val samples: need at least one full batch of 32 and one"
                        + " validation sample",
                e.getMessage());
    }

    @Test
    void emptyPairList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSplit.of(0, 8000, 0.05));
        assertEquals("training data: the pair list is empty", e.getMessage());
    }
}
