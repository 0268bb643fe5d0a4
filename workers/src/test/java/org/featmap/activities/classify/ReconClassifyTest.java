package org.featmap.activities.classify;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.activities.report.ReportStages;
import org.featmap.activities.stage.NodeRunner;
import org.featmap.activities.stage.StageHandler;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.test.TestStages;
import org.featmap.activities.tracking.InMemoryTracker;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.graph.ContentKeys;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.classify.ImageClassify;
import org.featmap.ml.classify.ProbabilityFile;
import org.featmap.ml.classify.ReconClassifyOptions;
import org.featmap.ml.classify.ReconClassifyStage;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.test.TestStage;
import org.featmap.workers.ClassifyFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The §8.4 wiring on a local store: fixture outputs are committed as the manipulate / extract / train /
 * reconstruct / finetune nodes, the real test handler saves its reconstructions, and the real
 * classify_recon handler classifies them with the fine-tuned classifier, writes the Arrow probabilities
 * and the CSVs, logs to the cell's tracking run, and the report shows the section.
 */
class ReconClassifyTest {
    static ClassifyFixture fx;

    @TempDir
    static Path dir;

    static LocalArtifactStore store;
    static InMemoryTracker tracker = new InMemoryTracker();
    static NodeTask.InputRef images, features, model, decoder, finetune, test;
    static NodeResult result;
    static NodeTask reconTask;
    static String parentRun;

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    /** Commits {@code from} as a node's output under {@code sub} (e.g. the train node's model/). */
    static NodeTask.InputRef seed(String role, String stage, String id, Path from, String sub) throws Exception {
        String key = org.featmap.core.store.Sha256.hex(stage + ":" + id);
        StageHandler h = ctx ->
                copyTree(from, sub.isEmpty() ? ctx.outDir() : ctx.outDir().resolve(sub));
        NodeRunner.run(
                new NodeTask("s", null, id, stage, key, "{}", List.of(), store.uri()),
                h,
                store,
                dir.resolve(".work"),
                Progress.NONE,
                org.featmap.core.tracking.Tracker.NONE,
                null);
        return new NodeTask.InputRef(role, id, stage, key);
    }

    static NodeTask task(String id, String stage, Map<String, Object> params, List<NodeTask.InputRef> ins) {
        String key = org.featmap.core.store.Sha256.hex(stage + ":" + id + ":" + ContentKeys.canonicalJson(params));
        return new NodeTask("sweep", parentRun, id, stage, key, ContentKeys.canonicalJson(params), ins, store.uri());
    }

    static Map<String, Object> cellParams(String model) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", "SYNTH");
        p.put("group", "direct");
        p.put("backbone", "convnext");
        p.put("layer", "feat3");
        p.put("manipulation", "mirror_h");
        p.put("apply_transform", false);
        p.put("model", model);
        return p;
    }

    @BeforeAll
    static void cell() throws Exception {
        fx = ClassifyFixture.get();
        store = new LocalArtifactStore(dir.resolve("store"));
        parentRun = tracker.run(
                tracker.experiment("sweep"),
                Map.of("featmap.execution", "exec-1"),
                "sweep",
                Map.of()); // the sweep's run
        images = seed("images", "manipulate", "manipulate/SYNTH/test", fx.images, "");
        features = seed("features", "extract", "extract/convnext/SYNTH/test/direct", fx.testFeatures, "features");
        model = seed(
                "model",
                "train",
                "train/SYNTH/direct/convnext/feat3/mirror_h/linear",
                fx.linear.resolve("model"),
                "model");
        decoder = seed("reconstructor", "reconstruct", "reconstruct/SYNTH/convnext/feat3", fx.decoder, "decoder");
        finetune = seed("classifier", "finetune", "finetune/SYNTH/convnext", fx.finetune.resolve("head"), "head");
        Map<String, Object> tp = cellParams("linear");
        tp.put("subset_size", 100);
        NodeTask t = task(
                "test/SYNTH/direct/convnext/feat3/mirror_h/linear",
                "test",
                tp,
                List.of(model, features, images, decoder));
        NodeRunner.run(t, TestStages::test, store, dir.resolve(".work"), Progress.NONE, tracker, null);
        test = new NodeTask.InputRef("test", t.nodeId(), "test", t.key());
        Map<String, Object> cp = cellParams("linear");
        cp.put("classifier_backbone", "convnext");
        cp.put("export", ClassifyFixture.CONVNEXT.toString());
        cp.put("batch_size", 4);
        reconTask = task(
                "classify_recon/SYNTH/direct/convnext/feat3/mirror_h/linear",
                "classify_recon",
                cp,
                List.of(
                        test,
                        finetune,
                        new NodeTask.InputRef("images", images.nodeId(), images.stage(), images.key())));
        result = NodeRunner.run(
                reconTask, ClassifyStages::classifyRecon, store, dir.resolve(".work"), Progress.NONE, tracker, null);
    }

    @Test
    void testNodeSavesItsReconstructionsWithAnIndex() throws Exception {
        Path out = store.nodeDir("test", test.key());
        List<String> idx = Files.readAllLines(out.resolve(TestStage.RECON_INDEX));
        assertEquals(String.join(",", TestStage.RECON_COLUMNS), idx.get(0));
        assertEquals(1 + 6, idx.size(), "3 classes × 2 test ids");
        for (String line : idx.subList(1, idx.size())) {
            String[] f = line.split(",");
            RgbImage m = ImageCodec.decode(out.resolve(f[3]));
            assertEquals(32, m.width(), "the decoder's raw output size");
            assertTrue(Files.isRegularFile(out.resolve(f[4])));
            assertTrue(f[2].contains("mirror_h"), f[2]);
        }
    }

    @Test
    void classifiesReconstructionsAndManipulatedImagesWithTheFineTunedClassifier() throws Exception {
        assertFalse(result.cached());
        Path out = store.nodeDir("classify_recon", reconTask.key());
        Map<String, ProbabilityFile.Probs> p = new LinkedHashMap<>();
        for (String set : ReconClassifyStage.SETS)
            p.put(set, ProbabilityFile.read(out.resolve("probs_" + set + "_SYNTH_mirror_h_feat3_linear.arrow")));
        assertEquals(6, p.get("mapped_recon").size());
        assertArrayEquals(p.get("manipulated").targets(), p.get("mapped_recon").targets());
        // the manipulated images' probabilities are those of the full classifier on the files themselves
        Path testOut = store.nodeDir("test", test.key());
        List<RgbImage> manip = new ArrayList<>();
        List<String> idx = Files.readAllLines(testOut.resolve(TestStage.RECON_INDEX));
        for (String line : idx.subList(1, idx.size()))
            manip.add(ImageCodec.decode(fx.images.resolve("augmented_test").resolve(line.split(",")[2])));
        try (ImageClassify.Classifier c = ImageClassify.Classifier.open(
                ClassifyFixture.CONVNEXT, fx.finetune.resolve("head"), ai.djl.Device.cpu())) {
            assertArrayEquals(c.probs(manip), p.get("manipulated").probs(), 1e-5f);
        }
        assertFalse(java.util.Arrays.equals(
                p.get("manipulated").probs(), p.get("mapped_recon").probs()));
        // metrics: the §8.3 computation on the three files, columns renamed by what the sets are
        ClassificationMetrics.Row row = ClassificationMetrics.compute(
                probs(p.get("manipulated")),
                probs(p.get("target_recon")),
                probs(p.get("mapped_recon")),
                "linear",
                "mirror_h",
                "feat3",
                "SYNTH");
        List<String> csv = Files.readAllLines(out.resolve(ReconClassifyStage.METRICS_CSV));
        assertEquals(String.join(",", ReconClassifyStage.metricColumns()), csv.get(0));
        assertTrue(csv.get(0)
                .startsWith("acc_manipulated_top1_mean,acc_target_recon_top1_mean,acc_mapped_recon_top1_mean,"));
        assertTrue(csv.get(0).contains("jsd_manipulated_mapped_recon_mean"));
        assertEquals(String.join(",", row.csvValues()), csv.get(1));
        List<String> res = Files.readAllLines(out.resolve(ReconClassifyStage.RESULTS_CSV));
        assertEquals("model,mapping_type,feature,manipulation,image_type,top1,top5", res.get(0));
        assertEquals(4, res.size());
        assertTrue(res.get(3).startsWith("convnext,linear,feat3,mirror_h,mapped,"), res.get(3));
        assertEquals(1.0, Double.parseDouble(res.get(3).split(",")[6]), "top-5 of 3 classes is always a hit");
        // summary and the node's tracking run
        assertEquals("6", result.summary().get("images"));
        assertEquals(
                row.top1AgreementOrigMapped(),
                Double.parseDouble(result.summary().get("recon_top1_agreement_manipulated_mapped")));
        InMemoryTracker.Run run = tracker.runs().stream()
                .filter(r -> reconTask.nodeId().equals(r.tags.get("featmap.node")))
                .findFirst()
                .orElseThrow();
        assertEquals(
                row.accMappedTop1(),
                run.metrics.get("recon_acc_mapped_recon_top1").get(0).value());
        assertTrue(
                run.artifacts.containsKey(ReconClassifyStage.METRICS_CSV),
                "at the run's root, where the UI lists it: " + run.artifacts.keySet());
        assertEquals("feat3", run.params.get("layer"));
        assertEquals("classify_recon", run.params.get("stage"));
    }

    @Test
    void aTestOutputWithoutReconstructionsIsBadInput() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-test"));
        BadInputException e = assertThrows(
                BadInputException.class,
                () -> ReconClassifyStage.run(
                        new ReconClassifyOptions(
                                empty,
                                fx.images,
                                ClassifyFixture.CONVNEXT,
                                fx.finetune.resolve("head"),
                                "convnext",
                                "linear",
                                "SYNTH",
                                "feat3",
                                "mirror_h",
                                4,
                                ai.djl.Device.cpu(),
                                dir.resolve("x")),
                        Progress.NONE));
        assertTrue(e.getMessage().endsWith("the test ran without a reconstructor"), e.getMessage());
    }

    @Test
    void theReportShowsTheSectionOrMarksItMissing() throws Exception {
        NodeTask rep = task(
                "report/sweep",
                "report",
                Map.of("sweep", "sweep"),
                List.of(
                        new NodeTask.InputRef("classify_recon", reconTask.nodeId(), "classify_recon", reconTask.key()),
                        new NodeTask.InputRef(
                                "classify_recon",
                                "classify_recon/SYNTH/direct/convnext/feat3/grayscale/linear",
                                "classify_recon",
                                "0".repeat(64))));
        NodeRunner.run(rep, ReportStages::report, store, dir.resolve(".work"), Progress.NONE, tracker, null);
        String html = Files.readString(store.nodeDir("report", rep.key()).resolve("index.html"));
        assertTrue(html.contains("Classification of reconstructions"), "section present");
        assertTrue(html.contains("mirror_h"), "the finished cell's row");
        assertTrue(html.contains("grayscale/linear"), "the unfinished cell is listed as missing");
        NodeTask none = task("report/none", "report", Map.of("sweep", "none"), List.of());
        NodeRunner.run(none, ReportStages::report, store, dir.resolve(".work"), Progress.NONE, tracker, null);
        String html2 = Files.readString(store.nodeDir("report", none.key()).resolve("index.html"));
        assertTrue(
                html2.contains("not planned: it needs a test reconstructor and a fine-tuned classifier"),
                "marked missing");
    }

    static ClassificationMetrics.Probs probs(ProbabilityFile.Probs p) {
        return new ClassificationMetrics.Probs(p.probs(), p.targets(), p.numClasses());
    }
}
