package org.featmap.ml.train.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.train.TrainListener;
import org.featmap.ml.train.TrainOptions;
import org.featmap.ml.train.TrainResult;
import org.featmap.ml.train.TrainStage;

/**
 * Issue #4 (b): effect of float16 feature storage on a linear mapping's validation loss. The demo's
 * synthetic images (grayscale manipulation) are extracted once into a float32 store and once into a
 * float16 store (same backbone, same layer), and the same linear cell (fixed seed, COMBINED loss) is
 * trained on each. Usage: Float16LossBench BACKBONE_DIR LAYER CLASSES PER_CLASS EPOCHS WORK_DIR
 */
public final class Float16LossBench {
    public static void main(String[] a) throws Exception {
        Path backbone = Path.of(a[0]);
        String layer = a[1];
        int classes = Integer.parseInt(a[2]), perClass = Integer.parseInt(a[3]), epochs = Integer.parseInt(a[4]);
        Path work = Path.of(a[5]);
        Files.createDirectories(work);
        ai.djl.engine.Engine.getEngine("PyTorch");
        SyntheticDataset.generate(work.resolve("ds"), classes, perClass, 0, 7L);
        ManipulateStage.run(ManipulateOptions.defaults(work.resolve("ds"), "train", work.resolve("images"))
                .withFormat(ImageFormat.PNG)
                .withOps(List.of(Manipulation.GRAYSCALE))
                .withThreads(2));
        Path images = work.resolve("images").resolve("augmented_train");
        double[] best = new double[2];
        FeatureDType[] dtypes = {FeatureDType.FLOAT32, FeatureDType.FLOAT16};
        for (int k = 0; k < 2; k++) {
            Path feats = work.resolve("features-" + dtypes[k].id());
            ExtractStage.run(ExtractOptions.of(backbone, images, feats)
                    .withLayers(List.of(layer))
                    .withBatch(8, 512)
                    .withStorage(dtypes[k], FeatureCompression.NONE)
                    .withRuntime(Device.cpu(), 2, null));
            try (FeatureStoreReader store = FeatureStoreReader.open(feats.resolve(layer))) {
                TrainOptions o = TrainOptions.defaults(
                                ModelType.LINEAR,
                                false,
                                "grayscale",
                                work.resolve("ckpt-" + dtypes[k].id()),
                                work.resolve("model-" + dtypes[k].id()),
                                new TrainOptions.ModelInfo(
                                        backbone.getFileName().toString(), "synthetic", "color", layer))
                        .withBatchSize(8)
                        .withLearningRate(1e-3)
                        .withMaxEpochs(epochs);
                TrainResult r = TrainStage.run(o, store.pairDataset("grayscale"), Optional.empty(), TrainListener.NONE);
                best[k] = r.bestValLoss();
                System.out.printf(
                        "%s %s: %d pairs, shape %dx%dx%d, row bytes %d, best val %.6f at epoch %d, val %s%n",
                        layer,
                        dtypes[k].id(),
                        store.pairDataset("grayscale").size(),
                        store.channels(),
                        store.height(),
                        store.width(),
                        store.rowBytes(),
                        r.bestValLoss(),
                        r.bestEpoch(),
                        r.valLosses());
            }
        }
        System.out.printf(
                "RESULT %s float32 best val %.6f float16 best val %.6f relative change %.3e%n",
                layer, best[0], best[1], (best[1] - best[0]) / best[0]);
    }
}
