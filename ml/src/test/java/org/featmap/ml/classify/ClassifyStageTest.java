package org.featmap.ml.classify;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.images.Manipulation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classifier tails and the classification of feature pairs, on a tiny real feature store. */
class ClassifyStageTest {
    @TempDir
    static Path tmp;

    static Map<String, Path> stores;
    static Path headDir;

    @BeforeAll
    static void setUp() throws Exception {
        Path images = ClassifyFixtures.manipulated(tmp, List.of(Manipulation.MIRROR_H, Manipulation.GRAYSCALE));
        ExtractReport r = ExtractStage.run(
                ExtractOptions.of(ClassifyFixtures.CONVNEXT, images.resolve("augmented_test"), tmp.resolve("feat"))
                        .withLayers(List.of("feat1", "feat3"))
                        .withBatch(9, 64)
                        .withSource("SYNTH", "test", "direct"));
        assertEquals(27, r.rows()); // 9 ids × {resized, mirror_h, grayscale}
        stores = r.layerDirs();
        headDir = tmp.resolve("head");
        BackboneManifest m = BackboneManifest.load(ClassifyFixtures.CONVNEXT);
        try (NDManager mgr = NDManager.newBaseManager()) {
            ClassifierHead h = new ClassifierHead(256, 3, true, 5).init(mgr);
            HeadFiles.write(headDir, h, ClassifierHeadTest.sidecar(256, 3, "feat3", m.weightsSha256()));
        }
    }

    @Test
    void tailOfEveryLayerAgreesWithTheFullNetwork() throws Exception {
        try (Backbone bb = Backbone.open(ClassifyFixtures.CONVNEXT, Device.cpu(), List.of());
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = bb.forward(m.randomUniform(-1, 1, new Shape(2, 3, 288, 288)));
            float[] ref = null;
            for (String layer : List.of("feat3", "feat2", "feat1", "feat0")) {
                try (ClassifierTail t = ClassifierTail.open(ClassifyFixtures.CONVNEXT, headDir, layer, Device.cpu())) {
                    assertEquals(3 - Integer.parseInt(layer.substring(4)), t.stagesAfterLayer());
                    NDArray p = t.probs(f.get(layer));
                    assertEquals(new Shape(2, 3), p.getShape());
                    float[] v = p.toFloatArray();
                    if (ref == null) ref = v;
                    else assertArrayEquals(ref, v, 1e-5f, layer);
                    assertEquals(1.0, v[0] + v[1] + v[2], 1e-5);
                }
            }
        }
    }

    @Test
    void tailRejectsAMapOfTheWrongShape() throws Exception {
        try (ClassifierTail t = ClassifierTail.open(ClassifyFixtures.CONVNEXT, headDir, "feat2", Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> t.logits(m.zeros(new Shape(1, 64, 36, 36))));
            assertEquals(
                    "classifier tail of convnext_atto feat2: features of shape (1, 64, 36, 36), expected (B, 128, 18, 18)",
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ClassifierTail.open(ClassifyFixtures.CONVNEXT, tmp.resolve("nohead"), "feat2", Device.cpu()));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void classifiesOrigEditAndMappedRowAligned() throws Exception {
        Path out = tmp.resolve("probs");
        try (FeatureStoreReader store = FeatureStoreReader.open(stores.get("feat1"));
                ClassifierTail tail = ClassifierTail.open(ClassifyFixtures.CONVNEXT, headDir, "feat1", Device.cpu())) {
            ClassifyResult id = ClassifyStage.run(
                    new ClassifyOptions(store, "mirror_h", tail, x -> x, "identity", "SYNTH", out, 4, null));
            assertEquals(9, id.pairs());
            ProbabilityFile.Probs orig = ProbabilityFile.read(out.resolve("probs_orig_SYNTH_mirror_h_feat1.arrow"));
            ProbabilityFile.Probs edit = ProbabilityFile.read(out.resolve("probs_edit_SYNTH_mirror_h_feat1.arrow"));
            ProbabilityFile.Probs mapped =
                    ProbabilityFile.read(out.resolve("probs_mapped_SYNTH_mirror_h_feat1_identity.arrow"));
            assertEquals(3, orig.numClasses());
            assertArrayEquals(orig.probs(), mapped.probs(), 0f); // identity mapper: bit-identical
            assertArrayEquals(orig.targets(), mapped.targets());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, edit.rows());
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, orig.targets());
            assertArrayEquals(orig.targets(), edit.targets());
            for (ProbabilityFile.Probs p : List.of(orig, edit))
                for (int i = 0; i < p.size(); i++) assertEquals(1.0, p.prob(i, 0) + p.prob(i, 1) + p.prob(i, 2), 1e-5);
            assertFalse(java.util.Arrays.equals(orig.probs(), edit.probs())); // mirrored maps classify differently
            assertEquals("mirror_h", orig.metadata().get("featmap.manipulation"));

            // a fixed per-channel linear map: mapped = tail(0.5·x + 0.1), batch-size independent
            Function<NDArray, NDArray> lin = x -> x.mul(0.5f).add(0.1f);
            ClassifyStage.run(new ClassifyOptions(store, "mirror_h", tail, lin, "linear", "SYNTH", out, 128, null));
            ProbabilityFile.Probs lm =
                    ProbabilityFile.read(out.resolve("probs_mapped_SYNTH_mirror_h_feat1_linear.arrow"));
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray src = store.readRows(m, store.pairs().filter("mirror_h").originalRow());
                assertArrayEquals(tail.probs(lin.apply(src)).toFloatArray(), lm.probs(), 1e-6f);
            }
            assertFalse(java.util.Arrays.equals(orig.probs(), lm.probs()));
            assertTrue(java.nio.file.Files.readString(out.resolve("summary_SYNTH_mirror_h_feat1_linear.csv"))
                    .startsWith("set,file,n,top1\norig,"));

            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ClassifyStage.run(ClassifyOptions.of(store, "rotation_90", tail, null, null, "SYNTH", out)));
            assertTrue(e.getMessage().contains("no pairs of manipulation 'rotation_90'"), e.getMessage());
        }
        try (FeatureStoreReader store = FeatureStoreReader.open(stores.get("feat3"));
                ClassifierTail tail = ClassifierTail.open(ClassifyFixtures.CONVNEXT, headDir, "feat1", Device.cpu())) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ClassifyStage.run(ClassifyOptions.of(store, "mirror_h", tail, null, null, "SYNTH", out)));
            assertTrue(
                    e.getMessage().endsWith("store holds layer feat3, the classifier tail is for feat1"),
                    e.getMessage());
        }
    }
}
