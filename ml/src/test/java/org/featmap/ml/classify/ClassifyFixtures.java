package org.featmap.ml.classify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;

/** Small synthetic datasets through the real manipulate stage, for the classification tests. */
final class ClassifyFixtures {
    private ClassifyFixtures() {}

    static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand");

    /** A few manipulations only, to keep the tests small (2 shared cores). */
    static final List<Manipulation> OPS =
            List.of(Manipulation.MIRROR_H, Manipulation.ROTATION_90, Manipulation.GRAYSCALE, Manipulation.NOISE_40);

    /** 3 classes × 6 train / 3 test ids → {@code out/augmented_{train,test}/<class>/direct/...}. */
    static Path manipulated(Path tmp, List<Manipulation> ops) throws IOException, InterruptedException {
        Path data = tmp.resolve("data");
        SyntheticDataset.generate(data, 3, 6, 3, 11L);
        Path out = tmp.resolve("images");
        for (String split : List.of("train", "test"))
            ManipulateStage.run(
                    ManipulateOptions.defaults(data, split, out).withOps(ops).withThreads(2));
        return out;
    }
}
