package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.featmap.activities.classify.ClassifyStages;
import org.featmap.core.contract.Progress;
import org.featmap.ml.ComputeDevice;
import org.featmap.ml.classify.ClassifyCellOptions;
import org.featmap.ml.classify.ClassifyCellStage;
import org.featmap.ml.classify.ReconClassifyOptions;
import org.featmap.ml.classify.ReconClassifyStage;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.reconstruct.DecoderLoss;
import org.featmap.ml.reconstruct.DecoderOptions;
import org.featmap.ml.reconstruct.DecoderTrainStage;
import org.featmap.ml.test.TestOptions;
import org.featmap.ml.test.TestStage;
import org.featmap.ml.train.TrainListener;
import org.featmap.ml.train.TrainOptions;
import org.featmap.ml.train.TrainStage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every heavy stage runs on the device it is given (issue #14 item 2). Each stage is run for real, told to use
 * {@code gpu(0)}; {@link ComputeDevice#intercept} records every device the stage allocates on and maps the GPU onto
 * this CPU-only machine. A stage that ignores its device (a hard-coded {@code Device.cpu()}, the engine's default)
 * asks for the CPU and fails here; one that bypasses ComputeDevice fails {@code NoHardCodedDeviceTest}.
 */
class StageDeviceTest {
    static final Device GIVEN = Device.gpu(0);
    static ClassifyFixture fx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fixture() throws Exception {
        fx = ClassifyFixture.get();
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with the GPU mapped onto the CPU; returns what it asked for. */
    static List<Device> requests(Body body) throws Exception {
        List<Device> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable h = ComputeDevice.intercept(d -> {
            seen.add(d);
            return d.isGpu() ? Device.cpu() : d;
        })) {
            body.run();
        }
        return seen;
    }

    static void onlyTheGivenDevice(String stage, List<Device> seen) {
        assertFalse(seen.isEmpty(), stage + " allocated nothing through ComputeDevice");
        for (Device d : seen) assertEquals(GIVEN, d, stage + " allocated on " + d + ", not on the device it was given");
    }

    @Test
    void extract() throws Exception {
        onlyTheGivenDevice(
                "extract",
                requests(() -> ExtractStage.run(ExtractOptions.of(
                                ClassifyFixture.CONVNEXT, fx.images.resolve("augmented_test"), tmp.resolve("f"))
                        .withLayers(List.of("feat3"))
                        .withBatch(8, 512)
                        .withSource("SYNTH", "test", "direct")
                        .withRuntime(GIVEN, 1, null))));
    }

    @Test
    void train() throws Exception {
        onlyTheGivenDevice("train", requests(() -> {
            try (FeatureStoreReader r = FeatureStoreReader.open(fx.trainFeatures.resolve("feat3"))) {
                TrainOptions o = TrainOptions.defaults(
                                ModelType.MLP, false, "mirror_h", tmp.resolve("c"), tmp.resolve("o"), null)
                        .withMaxEpochs(2)
                        .withBatchSize(4)
                        .withDevice("gpu0");
                TrainStage.run(o, r.pairDataset("mirror_h"), Optional.empty(), TrainListener.NONE);
            }
        }));
    }

    @Test
    void finetune() throws Exception {
        onlyTheGivenDevice(
                "finetune",
                requests(() -> ClassifyStages.finetune(new ClassifyStages.FinetuneRun(
                        ClassifyFixture.CONVNEXT,
                        List.of(fx.images.resolve("augmented_train")),
                        tmp.resolve("s"),
                        tmp.resolve("ft"),
                        false,
                        1,
                        8,
                        1e-3,
                        0.0,
                        0.1,
                        0L,
                        GIVEN,
                        Progress.NONE))));
    }

    @Test
    void reconstruct() throws Exception {
        onlyTheGivenDevice("reconstruct", requests(() -> {
            try (FeatureStoreReader s = FeatureStoreReader.open(fx.trainFeatures.resolve("feat3"))) {
                DecoderTrainStage.run(
                        DecoderOptions.of(fx.images.resolve("augmented_train"), tmp.resolve("dec"))
                                .withModel(32, 16)
                                .withTraining(DecoderLoss.L1, 3e-3f, 8, 1, 3L)
                                .withValFraction(0.2)
                                .withRuntime(1, null, null)
                                .withDevice(GIVEN),
                        s);
            }
        }));
    }

    @Test
    void classify() throws Exception {
        ClassifyCellOptions o = ClassifyCellOptions.of(
                        fx.testFeatures.resolve("feat3"),
                        fx.linear.resolve("model"),
                        fx.finetune.resolve("head"),
                        ClassifyFixture.CONVNEXT,
                        "feat3",
                        "mirror_h",
                        "linear",
                        GIVEN,
                        tmp.resolve("cl"))
                .withDataset("SYNTH");
        onlyTheGivenDevice("classify", requests(() -> ClassifyCellStage.run(o)));
    }

    /** test (decoder reconstructions, feat3 cosine through the eval backbone, LPIPS) and classify_recon on its output. */
    @Test
    void testAndClassifyRecon() throws Exception {
        Path lpips = Path.of("..", "ml", "src", "test", "resources", "lpips", "tiny");
        Path out = tmp.resolve("test");
        onlyTheGivenDevice(
                "test",
                requests(() -> TestStage.run(
                        new TestOptions(
                                "linear",
                                "SYNTH",
                                "feat3",
                                "mirror_h",
                                100,
                                fx.testFeatures.resolve("feat3"),
                                fx.images.resolve("augmented_test"),
                                fx.linear.resolve("model"),
                                null,
                                fx.decoder,
                                null,
                                "convnext",
                                ClassifyFixture.CONVNEXT,
                                lpips,
                                GIVEN,
                                out),
                        Progress.NONE)));
        onlyTheGivenDevice(
                "classify_recon",
                requests(() -> ReconClassifyStage.run(
                        new ReconClassifyOptions(
                                out,
                                fx.images.resolve("augmented_test"),
                                ClassifyFixture.CONVNEXT,
                                fx.finetune.resolve("head"),
                                "convnext",
                                "linear",
                                "SYNTH",
                                "feat3",
                                "mirror_h",
                                8,
                                GIVEN,
                                tmp.resolve("cr")),
                        Progress.NONE)));
    }
}
