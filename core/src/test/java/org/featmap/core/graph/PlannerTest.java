package org.featmap.core.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.stage.Stage;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final int PAPER_CLASSIFY_RECON = 315; // the 315 Cars test nodes (with spatial-only baselines)

    static SweepConfig paper() {
        return ConfigLoader.load(Path.of("../config/paper.yaml"), new EnvExpander(Map.of()));
    }

    /** Issue #13 item 7: config/paper-toy.yaml plans exactly the paper's grid: the same node ids, stage by stage. */
    @Test
    void paperToyConfigHasThePapersGrid() {
        ExperimentGraph toy =
                Planner.plan(ConfigLoader.load(Path.of("../config/paper-toy.yaml"), new EnvExpander(Map.of())));
        ExperimentGraph paper = Planner.plan(paper());
        assertEquals(615, toy.counts().get(Stage.TRAIN));
        assertEquals(paper.counts(), toy.counts());
        assertEquals(new HashSet<>(paper.byId().keySet()).size(), toy.nodes().size());
        Set<String> paperIds = new HashSet<>(paper.byId().keySet());
        paperIds.remove("report/featmap-paper");
        Set<String> toyIds = new HashSet<>(toy.byId().keySet());
        toyIds.remove("report/featmap-paper-toy");
        assertEquals(paperIds, toyIds);
    }

    @Test
    void paperGridHasTheSpecCounts() {
        ExperimentGraph g = Planner.plan(paper());
        Map<Stage, Integer> c = g.counts();
        assertEquals(615, c.get(Stage.TRAIN), "spec §10.2 / AV21");
        assertEquals(665, c.get(Stage.TEST), "615 + 50 spatial-only baselines");
        assertEquals(232, c.get(Stage.CLASSIFY), "spec §10.2: 232 with trained models");
        // §8.4: one per Cars test node with a reconstructor (the paper config's decoder), Cars being the classify
        // dataset
        long carsTests = g.ofStage(Stage.TEST).stream()
                .filter(n -> n.params().get("dataset").equals("STANFORD_CARS"))
                .count();
        assertEquals((int) carsTests, c.get(Stage.CLASSIFY_RECON));
        assertEquals(PAPER_CLASSIFY_RECON, c.get(Stage.CLASSIFY_RECON));
        assertEquals(85, c.get(Stage.WXB));
        assertEquals(85, c.get(Stage.SVD));
        assertEquals(16, c.get(Stage.EXTRACT));
        assertEquals(12, c.get(Stage.NORMSTATS));
        assertEquals(1, c.get(Stage.REPORT));
        long linear = g.ofStage(Stage.TRAIN).stream()
                .filter(n -> n.params().get("model").equals("linear"))
                .count();
        assertEquals(160, linear, "AV21: linear models 160");
    }

    @Test
    void classifyReconNeedsAReconstructorAndAClassifier() {
        ExperimentGraph g = Planner.plan(paper());
        Map<String, Node> byId = g.byId();
        for (Node n : g.ofStage(Stage.CLASSIFY_RECON)) {
            Node test = byId.get(n.inputs().get(0).nodeId());
            assertEquals(Stage.TEST, test.stage());
            assertEquals("classify_recon" + test.id().substring("test".length()), n.id());
            assertEquals(test.cell(), n.cell(), "runs in its test node's cell");
            assertTrue(test.inputs().stream().anyMatch(i -> i.role().equals("reconstructor")));
            assertEquals(Stage.FINETUNE, byId.get(n.inputs().get(1).nodeId()).stage());
        }
        SweepConfig base = paper();
        var t = base.test();
        SweepConfig noRecon = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                base.images(),
                base.backbones(),
                base.features(),
                base.training(),
                new SweepConfig.Test(
                        t.enabled(),
                        t.subsetSize(),
                        t.batchSize(),
                        "none",
                        t.featinvExport(),
                        t.spatialOnly(),
                        t.lpipsExport()),
                base.reconstruct(),
                base.classify(),
                base.analysis(),
                base.report(),
                base.tracking());
        assertEquals(0, Planner.plan(noRecon).counts().get(Stage.CLASSIFY_RECON));
    }

    @Test
    void featinvReconstructsConvnextFeat3OnlyAndItsCellsAreClassified() {
        SweepConfig base = paper();
        var t = base.test();
        SweepConfig fi = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                base.images(),
                base.backbones(),
                base.features(),
                base.training(),
                new SweepConfig.Test(
                        t.enabled(),
                        t.subsetSize(),
                        t.batchSize(),
                        "featinv",
                        "/exports/featinv",
                        t.spatialOnly(),
                        t.lpipsExport()),
                base.reconstruct(),
                base.classify(),
                base.analysis(),
                base.report(),
                base.tracking());
        ExperimentGraph g = Planner.plan(fi, Map.of("featinv", "abc"));
        assertEquals(0, g.counts().getOrDefault(Stage.RECONSTRUCT, 0), "no decoders with reconstructor featinv");
        int withFeatinv = 0;
        for (Node n : g.ofStage(Stage.TEST)) {
            boolean convnextFeat3 = n.params().get("backbone").equals("convnext")
                    && n.params().get("layer").equals("feat3");
            assertEquals(convnextFeat3, n.params().get("featinv_export") != null, n.id());
            if (convnextFeat3) {
                assertEquals("abc", n.params().get("featinv_fingerprint"), "new FeatInv weights change the test keys");
                withFeatinv++;
            }
        }
        assertTrue(withFeatinv > 0);
        long classified = g.ofStage(Stage.CLASSIFY_RECON).stream()
                .filter(n -> n.params().get("backbone").equals("convnext")
                        && n.params().get("layer").equals("feat3"))
                .count();
        assertEquals(
                g.counts().get(Stage.CLASSIFY_RECON).longValue(),
                classified,
                "classify_recon only where FeatInv reconstructs");
        assertTrue(classified > 0);
    }

    /**
     * Issue #17 item 4: capabilities come from the export's manifest (its family, and the FeatInv export's backbone and
     * layer), which the client passes beside the fingerprints; a ConvNeXt named convnext_base keeps FeatInv and the
     * cosine metrics. Without those entries (a plan replayed from before them) backbones are recognised by name.
     */
    @Test
    void capabilitiesFollowTheManifestsFamilyNotTheConfigName() {
        SweepConfig base = paper();
        var t = base.test();
        List<SweepConfig.Backbone> renamed = base.backbones().stream()
                .map(b -> new SweepConfig.Backbone(b.name() + "_base", b.export(), b.layers(), b.normalize()))
                .toList();
        var c = base.classify();
        SweepConfig cfg = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                base.images(),
                renamed,
                base.features(),
                base.training(),
                new SweepConfig.Test(
                        t.enabled(),
                        t.subsetSize(),
                        t.batchSize(),
                        "featinv",
                        "/exports/featinv",
                        t.spatialOnly(),
                        t.lpipsExport()),
                base.reconstruct(),
                new SweepConfig.Classify(
                        c.enabled(),
                        c.datasets(),
                        c.backbone() + "_base",
                        c.epochs(),
                        c.learningRate(),
                        c.batchSize(),
                        c.dropRate(),
                        c.labelSmoothing(),
                        c.augmented()),
                base.analysis(),
                base.report(),
                base.tracking());
        Map<String, String> fp = Map.of(
                "featinv",
                "abc",
                "family:convnext_base",
                "convnext",
                "family:swinv2_base",
                "swinv2",
                "featinv:backbone",
                "convnext",
                "featinv:layer",
                "feat3");
        ExperimentGraph g = Planner.plan(cfg, fp);
        String convnext = renamed.stream()
                .filter(b -> b.name().equals("convnext_base"))
                .findFirst()
                .orElseThrow()
                .export();
        int withFeatinv = 0;
        for (Node n : g.ofStage(Stage.TEST)) {
            boolean convnextFeat3 = n.params().get("backbone").equals("convnext_base")
                    && n.params().get("layer").equals("feat3");
            assertEquals(convnextFeat3, n.params().get("featinv_export") != null, n.id());
            if (convnextFeat3) {
                withFeatinv++;
                assertEquals(
                        "convnext", n.params().get("backbone_family"), "the test checks the export against the family");
            }
            assertEquals(convnext, n.params().get("eval_backbone"), n.id());
        }
        assertTrue(withFeatinv > 0);

        ExperimentGraph byName = Planner.plan(cfg, Map.of("featinv", "abc"));
        for (Node n : byName.ofStage(Stage.TEST)) {
            assertNull(n.params().get("featinv_export"), n.id());
            assertNull(n.params().get("eval_backbone"), n.id());
        }
    }

    @Test
    void demoPlansOneClassifyReconPerTestNode() {
        ExperimentGraph g = Planner.plan(ConfigLoader.load(Path.of("../config/demo.yaml"), new EnvExpander(Map.of())));
        // 2 backbones × (direct grayscale: linear, mlp; rotation_90 applied: linear, cnn, spatial_only;
        // rotation_90 learned: transformer)
        assertEquals(12, g.counts().get(Stage.TEST));
        assertEquals(12, g.counts().get(Stage.CLASSIFY_RECON));
    }

    @Test
    void nodesComeAfterTheirInputsAndIdsAreUnique() {
        ExperimentGraph g = Planner.plan(paper());
        Set<String> seen = new HashSet<>();
        for (Node n : g.nodes()) {
            for (Node.Input in : n.inputs()) assertTrue(seen.contains(in.nodeId()), n.id() + " before " + in.nodeId());
            assertTrue(seen.add(n.id()), "duplicate " + n.id());
        }
        assertEquals(
                g.nodes().size(),
                new HashSet<>(g.nodes().stream().map(Node::key).toList()).size(),
                "keys unique");
    }

    @Test
    void keysAreStableAcrossRuns() {
        ExperimentGraph a = Planner.plan(paper());
        ExperimentGraph b = Planner.plan(paper());
        assertEquals(a.nodes(), b.nodes());
        // A recorded key: if this changes, every cache is invalidated; bump Stage code versions instead.
        Node t = a.byId().get("train/STANFORD_CARS/direct/convnext/feat3/grayscale/linear");
        assertNotNull(t);
        assertEquals(64, t.key().length());
    }

    @Test
    void keysAreSensitiveToEveryParamAndPropagateDownstream() {
        SweepConfig base = paper();
        ExperimentGraph g0 = Planner.plan(base);
        var tr = base.training();
        var tr2 = new SweepConfig.Training(
                tr.loss(),
                tr.learningRate() * 2,
                tr.weightDecay(),
                tr.batchSize(),
                tr.accumulateGradBatches(),
                tr.trainSubsetSize(),
                tr.valRatio(),
                tr.maxEpochs(),
                tr.earlyStopPatience(),
                tr.earlyStopMinDelta(),
                tr.plateauFactor(),
                tr.plateauPatience(),
                tr.minLr(),
                tr.checkpointEvery(),
                tr.seed());
        SweepConfig changed = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                base.images(),
                base.backbones(),
                base.features(),
                tr2,
                base.test(),
                base.reconstruct(),
                base.classify(),
                base.analysis(),
                base.report(),
                base.tracking());
        ExperimentGraph g1 = Planner.plan(changed);
        Map<String, Node> a = g0.byId();
        Map<String, Node> b = g1.byId();
        for (Node n : g0.nodes()) {
            boolean below = n.stage() == Stage.TRAIN
                    || n.cell() != null && !n.id().endsWith("spatial_only")
                    || n.stage() == Stage.REPORT;
            if (below) assertNotEquals(n.key(), b.get(n.id()).key(), n.id() + " must change");
            else assertEquals(n.key(), b.get(n.id()).key(), n.id() + " must not change");
        }
        // a fingerprint (new backbone weights) changes extraction and everything below, not manipulation
        ExperimentGraph g2 = Planner.plan(base, Map.of("backbone:swinv2", "abc"));
        Map<String, Node> c = g2.byId();
        assertEquals(
                a.get("manipulate/STANFORD_CARS/train").key(),
                c.get("manipulate/STANFORD_CARS/train").key());
        assertNotEquals(
                a.get("extract/swinv2/STANFORD_CARS/train/direct").key(),
                c.get("extract/swinv2/STANFORD_CARS/train/direct").key());
        assertEquals(
                a.get("extract/convnext/STANFORD_CARS/train/direct").key(),
                c.get("extract/convnext/STANFORD_CARS/train/direct").key());
        assertNotEquals(
                a.get("train/CUB_200_2011/direct/swinv2/feat0/grayscale/mlp").key(),
                c.get("train/CUB_200_2011/direct/swinv2/feat0/grayscale/mlp").key());
    }

    /** Issue #16: images.workers and features.batch_size reach their nodes but no key changes with them. */
    @Test
    void executionSettingsReachTheirNodesAndLeaveEveryKeyUnchanged() {
        SweepConfig base = paper();
        var im = base.images();
        var f = base.features();
        SweepConfig changed = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                new SweepConfig.Images(im.targetSize(), im.format(), im.manipulations(), im.workers() + 3),
                base.backbones(),
                new SweepConfig.Features(f.dtype(), f.compression(), f.shardRows(), f.batchSize() * 2),
                base.training(),
                base.test(),
                base.reconstruct(),
                base.classify(),
                base.analysis(),
                base.report(),
                base.tracking());
        Map<String, Node> a = Planner.plan(base).byId();
        Map<String, Node> b = Planner.plan(changed).byId();
        assertEquals(a.keySet(), b.keySet());
        for (Node n : a.values()) assertEquals(n.key(), b.get(n.id()).key(), n.id());
        assertEquals(
                im.workers() + 3,
                b.get("manipulate/STANFORD_CARS/train").params().get("workers"));
        assertEquals(
                f.batchSize() * 2,
                b.get("extract/convnext/STANFORD_CARS/train/direct").params().get("batch_size"));
        // the key is the one of the params without the execution settings (the keys nodes had before they were passed)
        Node m = a.get("manipulate/STANFORD_CARS/train");
        Map<String, Object> without = new java.util.TreeMap<>(m.params());
        without.remove("workers");
        assertEquals(m.key(), ContentKeys.key(Stage.MANIPULATE, without, List.of()));
        // batch_size stays a content param of the stages whose numbers depend on it
        assertNotEquals(
                ContentKeys.key(Stage.TRAIN, Map.of("batch_size", 1), List.of()),
                ContentKeys.key(Stage.TRAIN, Map.of("batch_size", 2), List.of()));
    }

    @Test
    void contentKeyRuleIsOrderIndependentForParams() {
        String k1 = ContentKeys.key(Stage.SVD, Map.of("a", 1, "b", "x"), java.util.List.of(Map.entry("model", "k")));
        String k2 = ContentKeys.key(
                Stage.SVD,
                new java.util.TreeMap<>(Map.of("b", "x", "a", 1)),
                java.util.List.of(Map.entry("model", "k")));
        assertEquals(k1, k2);
        assertNotEquals(
                k1, ContentKeys.key(Stage.SVD, Map.of("a", 2, "b", "x"), java.util.List.of(Map.entry("model", "k"))));
        assertNotEquals(
                k1, ContentKeys.key(Stage.WXB, Map.of("a", 1, "b", "x"), java.util.List.of(Map.entry("model", "k"))));
        assertNotEquals(
                k1, ContentKeys.key(Stage.SVD, Map.of("a", 1, "b", "x"), java.util.List.of(Map.entry("model", "k2"))));
    }

    @Test
    void planSummaryEstimatesDisk() {
        SweepConfig c = paper();
        PlanSummary s = PlanSummary.of(c, Planner.plan(c));
        // spec §3.7: Cars direct ≈1.047 TB ConvNeXt + ≈124 GB SwinV2 at 13 × 16,185 rows
        long carsDirectConvnext = 13L * 16185 * 4_976_640;
        assertTrue(s.featureBytesFloat32() > carsDirectConvnext, "more than Cars direct alone");
        assertTrue(s.featureBytesFloat32() < 2_500_000_000_000L, "about the reference's ~1.6 TB");
        assertTrue(s.gpuHours() > 0);
    }

    /** Issue #17 item 4: without manifest shapes, a backbone is sized by the family its manifest names, not its name. */
    @Test
    void planSummarySizesByTheManifestsFamily() {
        SweepConfig.Backbone bb = new SweepConfig.Backbone("big", "/exports/big", List.of("feat0", "feat3"), List.of());
        long byName = PlanSummary.bytesPerRow(bb);
        long asConvnext = PlanSummary.bytesPerRow(bb, null, Planner.family(bb, Map.of("family:big", "convnext")));
        long asSwin = PlanSummary.bytesPerRow(bb, null, Planner.family(bb, Map.of("family:big", "swinv2")));
        assertEquals(2L * 1024 * 9 * 9 * 4, byName);
        assertEquals((128L * 72 * 72 + (128L << 3) * 9 * 9) * 4, asConvnext);
        assertEquals(2L * 1024 * 12 * 12 * 4, asSwin);
        SweepConfig.Backbone convnext = new SweepConfig.Backbone("convnext", "/e", List.of("feat3"), List.of());
        assertEquals(PlanSummary.bytesPerRow(convnext), PlanSummary.bytesPerRow(convnext, null, "convnext"));
    }

    @Test
    void testNodesNameTheCosineBackboneAndTheLpipsExport() {
        SweepConfig base = paper();
        String convnext = base.backbones().stream()
                .filter(b -> b.name().equals("convnext"))
                .findFirst()
                .orElseThrow()
                .export();
        ExperimentGraph g0 = Planner.plan(base);
        List<Node> tests = g0.ofStage(Stage.TEST);
        assertFalse(tests.isEmpty());
        for (Node t : tests) {
            assertEquals(convnext, t.params().get("eval_backbone"), t.id()); // also for swinv2 cells (spec N7)
            assertFalse(t.params().containsKey("lpips_export"), t.id());
        }
        var t0 = base.test();
        SweepConfig withLpips = new SweepConfig(
                base.sourceFile(),
                base.sweep(),
                base.datasets(),
                base.images(),
                base.backbones(),
                base.features(),
                base.training(),
                new SweepConfig.Test(
                        t0.enabled(),
                        t0.subsetSize(),
                        t0.batchSize(),
                        t0.reconstructor(),
                        t0.featinvExport(),
                        t0.spatialOnly(),
                        "/models/lpips-alex"),
                base.reconstruct(),
                base.classify(),
                base.analysis(),
                base.report(),
                base.tracking());
        Map<String, Node> b = Planner.plan(withLpips, Map.of("lpips", "f00")).byId();
        for (Node n : g0.nodes()) {
            if (n.stage() == Stage.TEST) {
                assertEquals("/models/lpips-alex", b.get(n.id()).params().get("lpips_export"));
                assertEquals("f00", b.get(n.id()).params().get("lpips_fingerprint"));
                assertNotEquals(n.key(), b.get(n.id()).key(), n.id());
            } else if (n.stage() == Stage.CLASSIFY_RECON) {
                assertNotEquals(n.key(), b.get(n.id()).key(), n.id() + " reads its test node's reconstructions");
            } else if (n.stage() != Stage.REPORT) {
                assertEquals(n.key(), b.get(n.id()).key(), n.id() + " must not change");
            }
        }
    }
}
