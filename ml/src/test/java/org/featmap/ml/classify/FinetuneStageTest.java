package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning on 3 synthetic classes × 6 ids × (resized + 4 manipulations) = 90 images, 20 % validation,
 * batch 16, the demo random-init ConvNeXt-atto. Random-init features are weak but the classes differ in
 * colour and texture, so a linear head on the pooled vector separates them; chance is 1/3.
 */
class FinetuneStageTest {
    @TempDir
    static Path tmp;

    static Path images;

    @BeforeAll
    static void setUp() throws Exception {
        images = ClassifyFixtures.manipulated(tmp, ClassifyFixtures.OPS);
    }

    @Test
    void learnsAboveChanceAndSavesTheBestHead() throws Exception {
        Path out = tmp.resolve("head");
        FinetuneOptions o = FinetuneOptions.convnext(ClassifyFixtures.CONVNEXT, images.resolve("augmented_train"), out)
                .withTraining(false, 15, 16, 0.2);
        FinetuneResult r = FinetuneStage.run(o);
        assertEquals(List.of("001.disc_stripes_0", "002.square_stripes_1", "003.triangle_stripes_2"), r.classes());
        assertEquals(18, r.valImages());
        assertEquals(72, r.trainImages());
        List<FinetuneResult.EpochLog> h = r.history();
        assertEquals(1e-3, h.get(0).lr(), 1e-15);
        assertTrue(h.get(h.size() - 1).trainLoss() < 0.85 * h.get(0).trainLoss(), "train loss did not fall: " + h);
        assertTrue(r.bestValTop1() >= 0.6, "val top-1 " + r.bestValTop1() + " not clearly above chance 1/3: " + h);
        assertEquals(r.bestValTop1(), h.get(r.bestEpoch()).valTop1());
        for (FinetuneResult.EpochLog e : h) assertTrue(e.valTop1() <= r.bestValTop1());
        if (r.stoppedEarly()) assertEquals(r.bestEpoch() + 7 + 1, h.size());
        for (String f : List.of(
                HeadFiles.PARAMS,
                HeadFiles.SAFETENSORS,
                HeadFiles.SIDECAR,
                FinetuneStage.HISTORY_CSV,
                FinetuneStage.SPLIT_CSV)) assertTrue(Files.size(out.resolve(f)) > 0, f);
        HeadFiles.Sidecar s = HeadFiles.readSidecar(out);
        assertEquals("feat3", s.inputLayer());
        assertEquals(r.bestEpoch(), s.bestEpoch());

        // the saved head classifies the validation images (§8.4 image path, Resize+CenterCrop) exactly as validation
        // did
        List<Path> val = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String line :
                Files.readAllLines(out.resolve(FinetuneStage.SPLIT_CSV)).subList(1, 91)) {
            String[] p = line.split(",");
            if (p[2].equals("val")) {
                val.add(images.resolve("augmented_train").resolve(p[0]));
                labels.add(Integer.parseInt(p[1]));
            }
        }
        ImageClassify.TopK t = ImageClassify.topk(
                val,
                labels.stream().mapToInt(Integer::intValue).toArray(),
                ClassifyFixtures.CONVNEXT,
                out,
                8,
                Device.cpu());
        assertEquals(18, t.n());
        assertEquals(r.bestValTop1(), t.top1(), 1e-9);
        assertEquals(1.0, t.top5()); // K = 3 < 5
    }

    @Test
    void augmentedTrainingRunsTheFrozenBackbonePerImage() throws Exception {
        Path out = tmp.resolve("head-aug");
        FinetuneOptions o = FinetuneOptions.convnext(ClassifyFixtures.CONVNEXT, images.resolve("augmented_train"), out)
                .withTraining(true, 2, 32, 0.2);
        FinetuneResult r = FinetuneStage.run(o);
        assertEquals(2, r.history().size());
        for (FinetuneResult.EpochLog e : r.history()) assertTrue(Double.isFinite(e.trainLoss()) && e.trainLoss() > 0);
        assertTrue(HeadFiles.readSidecar(out).augmented());
        assertTrue(HeadFiles.readSidecar(out)
                .referenceName()
                .endsWith("_frozen_stages0-stages1-stages2-stages3_augmented_train_best"));

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> FinetuneStage.run(o.withTraining(false, 1, 500, 0.2)));
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "72 training images < batch 500 (drop_last would leave no batch); lower the batch size"),
                e.getMessage());
    }

    /** Issue #14: killed after an epoch's checkpoint, a run on the same folder finishes exactly as if never stopped. */
    @Test
    void resumesFromItsEpochCheckpointBitwise() throws Exception {
        FinetuneOptions base = FinetuneOptions.convnext(
                        ClassifyFixtures.CONVNEXT, images.resolve("augmented_train"), tmp.resolve("x"))
                .withTraining(true, 3, 32, 0.2); // augmented: the generator's state must carry over too
        Path plain = tmp.resolve("resume-plain"),
                ckpt = tmp.resolve("resume-ckpt"),
                resumed = tmp.resolve("resume-out");
        FinetuneResult whole = FinetuneStage.run(withOut(base, plain));
        class Killed extends RuntimeException {}
        org.featmap.ml.EpochCheckpoints dying = new org.featmap.ml.EpochCheckpoints(ckpt, (epoch, dir) -> {
            if (epoch == 1) throw new Killed();
        });
        assertThrows(Killed.class, () -> FinetuneStage.run(withOut(base, tmp.resolve("resume-dead")), dying));
        List<Integer> uploaded = new ArrayList<>();
        FinetuneResult r = FinetuneStage.run(
                withOut(base, resumed), new org.featmap.ml.EpochCheckpoints(ckpt, (e, d) -> uploaded.add(e)));
        assertEquals(List.of(2), uploaded, "epochs 0 and 1 came from the checkpoint");
        assertEquals(whole.history(), r.history());
        assertEquals(whole.bestEpoch(), r.bestEpoch());
        assertArrayEquals(
                Files.readAllBytes(plain.resolve(HeadFiles.SAFETENSORS)),
                Files.readAllBytes(resumed.resolve(HeadFiles.SAFETENSORS)));
    }

    static FinetuneOptions withOut(FinetuneOptions o, Path out) {
        return new FinetuneOptions(
                o.backboneDir(),
                o.augmentedTrain(),
                out,
                o.augment(),
                o.epochs(),
                o.batchSize(),
                o.lr(),
                o.weightDecay(),
                o.dropRate(),
                o.labelSmoothing(),
                o.valFraction(),
                o.patience(),
                o.seed(),
                o.device(),
                o.threads(),
                o.progress());
    }
}
