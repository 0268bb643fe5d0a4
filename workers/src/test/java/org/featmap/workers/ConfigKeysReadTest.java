package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.SweepConfig;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 item 7: no config key is validated and then ignored. Every value of {@link SweepConfig} (every record
 * component, found by reflection, so a new key cannot be forgotten here) has an explicit list of readers: source
 * files and the text by which they read it — for a value the planner passes into node params, the planner line and
 * the stage line that reads the param back. The test fails when a key has no entry or when a named reader no
 * longer contains its text (the read was removed).
 *
 * <p>{@link #WIRED_ELSEWHERE}: keys wired on another branch at the same time; they must get readers here once it
 * is merged, and the test then says so.
 */
class ConfigKeysReadTest {
    static final String P = "core/src/main/java/org/featmap/core/graph/Planner.java";
    static final String PS = "core/src/main/java/org/featmap/core/graph/PlanSummary.java";
    static final String WF = "workflows/src/main/java/org/featmap/workflows/SweepWorkflowImpl.java";
    static final String STUBS = "workflows/src/main/java/org/featmap/workflows/Stubs.java";
    static final String A = "activities/src/main/java/org/featmap/activities/";
    static final String IMG = A + "images/ImageStages.java";
    static final String TRAIN = A + "train/TrainStages.java";
    static final String TEST = A + "test/TestStages.java";
    static final String RECONSTRUCT = A + "reconstruct/ReconstructStages.java";
    static final String EXTRACT = A + "extract/ExtractStages.java";
    static final String CLASSIFY = A + "classify/ClassifyStages.java";
    static final String ANALYSIS = A + "analysis/AnalysisStages.java";
    static final String RUN = "workers/src/main/java/org/featmap/workers/RunCommand.java";
    static final String EDIT_WORKER = "python/edit_worker/featmap_edit/activity.py";

    /** Keys another branch wires at the same time as this test lands (see the class comment). */
    static final Set<String> WIRED_ELSEWHERE = Set.of();

    static final Map<String, List<String[]>> READERS = new HashMap<>();

    static void reads(String component, String... fileAndText) {
        List<String[]> l = new ArrayList<>();
        for (int i = 0; i < fileAndText.length; i += 2) l.add(new String[] {fileAndText[i], fileAndText[i + 1]});
        READERS.put(component, l);
    }

    static {
        reads("Sweep.name", WF, "sweepName = cfg.sweep().name()", RUN, "cfg.sweep().name() + \"-\" + hash");
        reads("Sweep.store", WF, "String store = cfg.sweep().store()");
        reads("Sweep.maxInFlight", WF, "dag.run(cfg.sweep().maxInFlight()");
        reads("Sweep.queues", WF, "new StageOptions(cfg.sweep().queues()", RUN, "cfg.sweep().queueOf(n.stage().id())");
        reads("Sweep.heartbeatSeconds", WF, "cfg.sweep().heartbeatSeconds()", STUBS, "options.heartbeatSeconds()");
        for (String[] s : new String[][] {
            {"classes", "classes"},
            {"perClassTrain", "per_class_train"},
            {"perClassTest", "per_class_test"},
            {"width", "width"},
            {"height", "height"}
        }) reads("Synthetic." + s[0], P, "\"" + s[1] + "\", s." + s[0] + "()", IMG, "ctx.integer(\"" + s[1] + "\")");
        reads("Synthetic.seed", P, "\"seed\", s.seed()", IMG, "Long.parseLong(ctx.str(\"seed\"))");
        reads("Prompt.shortName", P, "\"name\", p.shortName()", IMG, "p.path(\"name\").asText()");
        reads("Prompt.text", P, "\"text\", p.text()", EDIT_WORKER, "prompt_text");
        reads("Edits.enabled", P, "if (ds.edits().enabled())");
        reads("Edits.mode", P, "\"mode\", e.mode()", IMG, "ctx.str(\"mode\")");
        reads("Edits.importDir", P, "\"import_dir\", e.importDir()", IMG, "ctx.str(\"import_dir\")");
        reads(
                "Edits.imagesPerClassTrain",
                P,
                "e.imagesPerClassTrain() : e.imagesPerClassTest()",
                EDIT_WORKER,
                "\"images_per_class\"");
        reads(
                "Edits.imagesPerClassTest",
                P,
                "e.imagesPerClassTrain() : e.imagesPerClassTest()",
                EDIT_WORKER,
                "\"images_per_class\"");
        reads("Edits.steps", P, "\"steps\", e.steps()", EDIT_WORKER, "_param(params, node, \"steps\", 10)");
        reads("Edits.trueCfgScale", P, "\"true_cfg_scale\", e.trueCfgScale()", EDIT_WORKER, "\"true_cfg_scale\", 4.5");
        reads("Edits.seed", P, "\"seed\", e.seed()", EDIT_WORKER, "_param(params, node, \"seed\", 42)");
        reads("Edits.hfTokenEnv", P, "\"hf_token_env\", e.hfTokenEnv()", EDIT_WORKER, "hf_token_env");
        reads("Group.name", P, "\"group\", g.name()");
        reads("Group.source", P, "sources.add(g.source())");
        reads(
                "Group.applyTransform",
                P,
                "\"apply_transform\", g.applyTransform()",
                TRAIN,
                "ctx.bool(\"apply_transform\")");
        reads("Group.models", P, "for (String model : g.models())");
        reads("Group.manipulations", P, "for (String manip : g.manipulations())");
        reads("Dataset.name", P, "\"dataset\", ds.name()");
        reads("Dataset.root", P, "\"root\", synth == null ? ds.root() : null", IMG, "Path.of(ctx.str(\"root\"))");
        reads("Dataset.numClasses", P, "\"num_classes\", ds.numClasses()", IMG, "ctx.integer(\"num_classes\")");
        reads("Dataset.trainImages", PS, "ds.trainImages() + ds.testImages()");
        reads("Dataset.testImages", PS, "ds.trainImages() + ds.testImages()");
        reads("Images.targetSize", P, "\"target_size\", im.targetSize()", IMG, "ctx.integer(\"target_size\")");
        reads("Images.format", P, "\"format\", im.format()", IMG, "ImageFormat.parse(ctx.str(\"format\"))");
        // execution params: passed to the node, left out of its key (Stage.executionParams, ContentKeys.key)
        reads(
                "Images.workers",
                P,
                "\"workers\", im.workers()",
                IMG,
                "ctx.integer(\"workers\")",
                "core/src/main/java/org/featmap/core/stage/Stage.java",
                "case MANIPULATE -> java.util.Set.of(\"workers\")");
        reads(
                "Features.batchSize",
                P,
                "\"batch_size\", f.batchSize()",
                EXTRACT,
                "ctx.integer(\"batch_size\")",
                "core/src/main/java/org/featmap/core/stage/Stage.java",
                "case EXTRACT -> java.util.Set.of(\"batch_size\")");
        reads(
                "Images.manipulations",
                P,
                "\"manipulations\", im.manipulations()",
                IMG,
                "ctx.params().get(\"manipulations\")");
        reads("Backbone.name", P, "\"backbone\", bb.name()");
        reads("Backbone.export", P, "\"export\", bb.export()", EXTRACT, "Path.of(ctx.str(\"export\"))");
        reads("Backbone.layers", P, "\"layers\", bb.layers()", EXTRACT, "ctx.params().get(\"layers\")");
        reads("Backbone.normalize", P, "bb.normalize().contains(layer)");
        reads("Features.dtype", P, "\"dtype\", f.dtype()", EXTRACT, "FeatureDType.parse(ctx.str(\"dtype\"))");
        reads("Features.compression", P, "\"compression\", f.compression()", EXTRACT, "ctx.str(\"compression\")");
        reads("Features.shardRows", P, "\"shard_rows\", f.shardRows()", EXTRACT, "ctx.integer(\"shard_rows\")");
        for (String c : List.of(
                "loss",
                "learningRate",
                "weightDecay",
                "batchSize",
                "accumulateGradBatches",
                "trainSubsetSize",
                "valRatio",
                "maxEpochs",
                "earlyStopPatience",
                "earlyStopMinDelta",
                "plateauFactor",
                "plateauPatience",
                "minLr",
                "checkpointEvery",
                "seed")) reads("Training." + c, P, "\"training\", tr", TRAIN, "t.get(\"" + c + "\")");
        reads("Test.enabled", P, "if (test.enabled())");
        reads("Test.subsetSize", P, "\"subset_size\", test.subsetSize()", TEST, "ctx.integer(\"subset_size\")");
        reads(
                "Test.batchSize",
                P,
                "\"batch_size\", test.batchSize()",
                TEST,
                "ctx.integer(\"batch_size\") : TestOptions.BATCH");
        reads("Test.reconstructor", P, "test.reconstructor().equals(\"decoder\")");
        reads("Test.featinvExport", P, "? test.featinvExport() : null", TEST, "optionalPath(ctx, \"featinv_export\")");
        reads("Test.spatialOnly", P, "test.spatialOnly() && g.applyTransform()");
        reads(
                "Test.lpipsExport",
                P,
                "String lp = cfg.test().lpipsExport()",
                TEST,
                "optionalPath(ctx, \"lpips_export\")");
        reads("Reconstruct.epochs", P, "\"epochs\", r.epochs()", RECONSTRUCT, "ctx.integer(\"epochs\")");
        reads("Reconstruct.batchSize", P, "\"batch_size\", r.batchSize()", RECONSTRUCT, "ctx.integer(\"batch_size\"),");
        reads(
                "Reconstruct.learningRate",
                P,
                "\"learning_rate\", r.learningRate()",
                RECONSTRUCT,
                "Float.parseFloat(ctx.str(\"learning_rate\"))");
        reads("Reconstruct.imageSize", P, "\"image_size\", r.imageSize()", RECONSTRUCT, "ctx.integer(\"image_size\")");
        reads("Classify.enabled", P, "cfg.classify().enabled()");
        reads("Classify.datasets", P, "cfg.classify().datasets().contains(ds.name())");
        reads("Classify.backbone", P, "backbone(c.backbone())");
        reads("Classify.epochs", P, "\"epochs\", c.epochs()", CLASSIFY, "ctx.integer(\"epochs\")");
        reads(
                "Classify.learningRate",
                P,
                "\"learning_rate\", c.learningRate()",
                CLASSIFY,
                "ctx.str(\"learning_rate\")");
        reads("Classify.batchSize", P, "\"batch_size\", c.batchSize()", CLASSIFY, "ctx.integer(\"batch_size\")");
        reads("Classify.dropRate", P, "\"drop_rate\", c.dropRate()", CLASSIFY, "ctx.str(\"drop_rate\")");
        reads(
                "Classify.labelSmoothing",
                P,
                "\"label_smoothing\", c.labelSmoothing()",
                CLASSIFY,
                "ctx.str(\"label_smoothing\")");
        reads("Classify.augmented", P, "\"augmented\", c.augmented()", CLASSIFY, "ctx.bool(\"augmented\")");
        reads("Analysis.wxb", P, "a.wxb() && a.wxbDatasets().contains(ds.name())");
        reads("Analysis.wxbDatasets", P, "a.wxb() && a.wxbDatasets().contains(ds.name())");
        reads("Analysis.wxbSamples", P, "\"samples\", a.wxbSamples()", ANALYSIS, "ctx.integer(\"samples\")");
        reads(
                "Analysis.wxbCompatDoubleBias",
                P,
                "\"compat_double_bias\",",
                ANALYSIS,
                "ctx.bool(\"compat_double_bias\")");
        reads("Analysis.svd", P, "a.svd() && a.svdDatasets().contains(ds.name())");
        reads("Analysis.svdDatasets", P, "a.svd() && a.svdDatasets().contains(ds.name())");
        reads("Report.enabled", P, "cfg.report().enabled()");
        reads("Tracking.mlflowUri", RUN, "cfg.tracking().mlflowUri()");
        reads("Tracking.experiment", WF, "cfg.tracking().experiment()");
    }

    /** Every value of a config: Record.component for each record reachable from SweepConfig (lists of records included). */
    static Set<String> components() {
        Set<String> out = new LinkedHashSet<>();
        walk(SweepConfig.class, out, new LinkedHashSet<>());
        out.remove("SweepConfig.sourceFile"); // where the config came from, not a key
        return out;
    }

    private static void walk(Class<?> record, Set<String> out, Set<Class<?>> seen) {
        if (!seen.add(record)) return;
        for (RecordComponent c : record.getRecordComponents()) {
            Class<?> t = c.getType();
            Class<?> element = t;
            if (List.class.isAssignableFrom(t)
                    && c.getGenericType() instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> e) element = e;
            if (element.isRecord()) walk(element, out, seen);
            else if (record != SweepConfig.class) out.add(record.getSimpleName() + "." + c.getName());
        }
    }

    @Test
    void everyConfigValueHasAReaderThatStillReadsIt() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        for (String c : components()) {
            List<String[]> readers = READERS.get(c);
            if (readers == null) {
                if (!WIRED_ELSEWHERE.contains(c))
                    problems.add(
                            c + ": no reader listed; read it somewhere (or remove the key) and list the reader here");
                continue;
            }
            if (WIRED_ELSEWHERE.contains(c)) problems.add(c + ": has readers now; take it out of WIRED_ELSEWHERE");
            for (String[] r : readers) {
                Path f = root.resolve(r[0]);
                // whitespace left out on both sides: the formatter may break a call's arguments over lines
                if (!Files.isRegularFile(f) || !squeeze(Files.readString(f)).contains(squeeze(r[1])))
                    problems.add(c + ": " + r[0] + " no longer contains '" + r[1] + "'");
            }
        }
        Set<String> stale = new LinkedHashSet<>(READERS.keySet());
        stale.removeAll(components());
        for (String s : stale) problems.add(s + ": listed but not a config value");
        assertEquals(List.of(), problems);
    }

    /** The text without whitespace. */
    static String squeeze(String s) {
        return s.replaceAll("\\s+", "");
    }
}
