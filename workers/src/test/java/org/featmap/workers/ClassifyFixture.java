package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderOptions;
import org.featmap.ml.reconstruct.DecoderTrainStage;

/**
 * One small real chain for the classification commands and the classify_recon wiring, built once per
 * test JVM: a synthetic set (3 classes, 6 train / 2 test ids) through manipulate (PNG, mirror_h and
 * grayscale), convnext-atto (random init) features, a 2-epoch linear and mlp mapping (the first checkpoint is at epoch 2, spec §6.5) (the train command),
 * a 1-epoch head (the finetune command) and a 1-epoch decoder. Lives in workers because the activities
 * test classpath carries a netty that Arrow cannot use (see TestCellTest).
 */
public final class ClassifyFixture {
    public static final Path CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand")
            .toAbsolutePath()
            .normalize();
    public final Path root, images, trainFeatures, testFeatures, linear, mlp, finetune, decoder;
    private static ClassifyFixture instance;

    /** What a command printed on stderr and its exit code. */
    public record Run(int rc, String out, String err) {}

    public static Run exec(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Featmap.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    public static synchronized ClassifyFixture get() throws Exception {
        if (instance == null) {
            Path dir = Files.createTempDirectory("featmap-classify-fixture");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    org.featmap.activities.store.LocalArtifactStore.deleteTree(dir);
                } catch (java.io.IOException e) {
                    // a temp folder left behind is harmless
                }
            }));
            instance = new ClassifyFixture(dir);
        }
        return instance;
    }

    private ClassifyFixture(Path root) throws Exception {
        ai.djl.engine.Engine.getEngine("PyTorch");
        this.root = root;
        SyntheticDataset.generate(root.resolve("ds"), 3, 6, 2, 11L);
        images = root.resolve("images");
        for (String split : List.of("train", "test"))
            ManipulateStage.run(ManipulateOptions.defaults(root.resolve("ds"), split, images)
                    .withFormat(ImageFormat.PNG)
                    .withOps(List.of(Manipulation.MIRROR_H, Manipulation.GRAYSCALE))
                    .withThreads(1));
        trainFeatures = root.resolve("ftrain");
        testFeatures = root.resolve("ftest");
        ExtractStage.run(ExtractOptions.of(CONVNEXT, images.resolve("augmented_train"), trainFeatures)
                .withLayers(List.of("feat3"))
                .withBatch(8, 512)
                .withSource("SYNTH", "train", "direct")
                .withRuntime(Device.cpu(), 1, null));
        ExtractStage.run(ExtractOptions.of(CONVNEXT, images.resolve("augmented_test"), testFeatures)
                .withLayers(List.of("feat2", "feat3"))
                .withBatch(8, 512)
                .withSource("SYNTH", "test", "direct")
                .withRuntime(Device.cpu(), 1, null));
        linear = root.resolve("linear");
        mlp = root.resolve("mlp");
        for (Path m : List.of(linear, mlp)) {
            Run r = exec(
                    "train",
                    "--features",
                    trainFeatures.resolve("feat3").toString(),
                    "--manipulation",
                    "mirror_h",
                    "--layer",
                    "3",
                    "--model",
                    m.getFileName().toString(),
                    "--max-epochs",
                    "2",
                    "--batch-size",
                    "4",
                    "--out",
                    m.toString());
            assertEquals(0, r.rc(), r.err());
        }
        finetune = root.resolve("finetune");
        Run r = exec(
                "finetune",
                "--backbone",
                CONVNEXT.toString(),
                "--images",
                images.toString(),
                "--epochs",
                "1",
                "--batch-size",
                "8",
                "--no-augment",
                "--out",
                finetune.toString());
        assertEquals(0, r.rc(), r.err());
        try (FeatureStoreReader s = FeatureStoreReader.open(trainFeatures.resolve("feat3"))) {
            decoder = DecoderTrainStage.run(
                            DecoderOptions.of(images.resolve("augmented_train"), root.resolve("dec"))
                                    .withModel(32, 16)
                                    .withTraining(DecoderLoss.L1, 3e-3f, 8, 1, 3L)
                                    .withValFraction(0.2)
                                    .withRuntime(1, null, null),
                            s)
                    .modelDir();
        }
    }
}
