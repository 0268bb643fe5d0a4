package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.featmap.activities.analysis.AnalysisStages;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.analysis.LinearCell;
import org.featmap.ml.classify.ClassifyCellOptions;
import org.featmap.ml.classify.ClassifyCellResult;
import org.featmap.ml.classify.ClassifyCellStage;
import org.featmap.ml.classify.HeadFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage commands finetune / classify / wxb / svd on a small real chain: each writes what the node's
 * static run writes (the node handlers call the same run), and bad input ends in one line with exit 2.
 */
class ClassifyCommandsTest {
    static ClassifyFixture fx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fixture() throws Exception {
        fx = ClassifyFixture.get();
    }

    static void oneLine(ClassifyFixture.Run r, String expected) {
        assertEquals(2, r.rc(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void finetuneWritesTheHeadAndRefusesAMissingFolder() throws Exception {
        HeadFiles.Sidecar s = HeadFiles.readSidecar(fx.finetune.resolve("head"));
        assertEquals(3, s.numClasses());
        assertEquals("feat3", s.inputLayer());
        assertTrue(Files.size(fx.finetune.resolve("head").resolve(HeadFiles.SAFETENSORS)) > 0);
        assertEquals(
                List.of(),
                Files.list(fx.finetune)
                        .filter(p -> p.getFileName().toString().startsWith(".finetune-"))
                        .toList(),
                "the scratch folder is removed");
        oneLine(
                ClassifyFixture.exec(
                        "finetune",
                        "--backbone",
                        ClassifyFixture.CONVNEXT.toString(),
                        "--images",
                        tmp.resolve("nope").toString(),
                        "--out",
                        tmp.resolve("o").toString()),
                "--images " + tmp.resolve("nope") + ": no such folder");
    }

    @Test
    void classifyWritesWhatTheNodeWrites() throws Exception {
        Path cmd = tmp.resolve("cmd"), node = tmp.resolve("node");
        ClassifyFixture.Run r = ClassifyFixture.exec(
                "classify",
                "--model",
                fx.linear.toString(),
                "--features",
                fx.testFeatures.toString(),
                "--classifier",
                fx.finetune.toString(),
                "--backbone",
                ClassifyFixture.CONVNEXT.toString(),
                "--dataset",
                "SYNTH",
                "--out",
                cmd.toString());
        assertEquals(0, r.rc(), r.err());
        ClassifyCellOptions o = ClassifyCellOptions.of(
                        fx.testFeatures.resolve("feat3"),
                        fx.linear.resolve("model"),
                        fx.finetune.resolve("head"),
                        ClassifyFixture.CONVNEXT,
                        "feat3",
                        "mirror_h",
                        "linear",
                        Device.cpu(),
                        node)
                .withDataset("SYNTH");
        ClassifyCellResult n = ClassifyCellStage.run(o);
        assertEquals(6, n.pairs(), "3 classes × 2 test ids");
        List<String> csv = Files.readAllLines(cmd.resolve("metrics.csv"));
        assertEquals(String.join(",", ClassificationMetrics.CSV_COLUMNS), csv.get(0));
        assertEquals(Files.readAllLines(node.resolve("metrics.csv")), csv);
        assertTrue(csv.get(1).endsWith(",6,linear,mirror_h,feat3,SYNTH"), csv.get(1));
        assertTrue(Files.exists(cmd.resolve("probs_mapped_SYNTH_mirror_h_feat3_linear.arrow")));
        // a feat3 model on feat2 features: one line naming both channel counts
        oneLine(
                ClassifyFixture.exec(
                        "classify",
                        "--model",
                        fx.linear.toString(),
                        "--features",
                        fx.testFeatures.toString(),
                        "--layer",
                        "2",
                        "--classifier",
                        fx.finetune.toString(),
                        "--backbone",
                        ClassifyFixture.CONVNEXT.toString(),
                        "--out",
                        tmp.resolve("x").toString()),
                "the model maps 256 channels, the feature store");
        oneLine(
                ClassifyFixture.exec(
                        "classify",
                        "--model",
                        tmp.resolve("none").toString(),
                        "--features",
                        fx.testFeatures.toString(),
                        "--classifier",
                        fx.finetune.toString(),
                        "--backbone",
                        ClassifyFixture.CONVNEXT.toString(),
                        "--out",
                        tmp.resolve("x").toString()),
                "--model " + tmp.resolve("none") + ": no such folder");
    }

    @Test
    void wxbWritesWhatTheNodeWritesAndRefusesANonLinearCell() throws Exception {
        Path cmd = tmp.resolve("cmd"), node = tmp.resolve("node");
        ClassifyFixture.Run r = ClassifyFixture.exec(
                "wxb",
                "--model",
                fx.linear.toString(),
                "--features",
                fx.testFeatures.resolve("feat3").toString(),
                "--samples",
                "4",
                "--out",
                cmd.toString());
        assertEquals(0, r.rc(), r.err());
        Map<String, Object> s = AnalysisStages.wxb(
                new LinearCell(fx.linear.resolve("model"), "dataset", "backbone", "group", "feat3", "mirror_h"),
                fx.testFeatures.resolve("feat3"),
                null,
                4,
                42,
                false,
                node,
                Progress.NONE);
        assertEquals(4, s.get("samples"));
        List<String> csv = Files.readAllLines(cmd.resolve("wxb_metrics.csv"));
        assertEquals(1 + 4 * 10, csv.size(), "4 samples × 10 metrics");
        assertEquals(Files.readAllLines(node.resolve("wxb_metrics.csv")), csv);
        assertTrue(s.get("median_wx_share") instanceof Double);
        oneLine(
                ClassifyFixture.exec(
                        "wxb",
                        "--model",
                        fx.mlp.toString(),
                        "--features",
                        fx.testFeatures.toString(),
                        "--out",
                        tmp.resolve("x").toString()),
                "wxb needs a linear cell, got mlp");
        oneLine(
                ClassifyFixture.exec(
                        "wxb",
                        "--model",
                        fx.linear.toString(),
                        "--features",
                        fx.testFeatures.resolve("feat2").toString(),
                        "--out",
                        tmp.resolve("x").toString()),
                "has 128 (feat2)");
    }

    @Test
    void svdWritesWhatTheNodeWritesAndRefusesANonLinearCell() throws Exception {
        Path cmd = tmp.resolve("cmd"), node = tmp.resolve("node");
        ClassifyFixture.Run r = ClassifyFixture.exec(
                "svd", "--model", fx.linear.resolve("model").toString(), "--out", cmd.toString());
        assertEquals(0, r.rc(), r.err());
        AnalysisStages.svd(
                new LinearCell(fx.linear.resolve("model"), "dataset", "backbone", "group", "feat3", "mirror_h"), node);
        for (String f : List.of("svd_metrics.csv", "singular_values.csv"))
            assertEquals(Files.readAllLines(node.resolve(f)), Files.readAllLines(cmd.resolve(f)), f);
        assertEquals(
                1 + 256,
                Files.readAllLines(cmd.resolve("singular_values.csv")).size(),
                "C = 256 singular values (the atto export's feat3)");
        oneLine(
                ClassifyFixture.exec(
                        "svd",
                        "--model",
                        fx.mlp.toString(),
                        "--out",
                        tmp.resolve("x").toString()),
                "svd needs a linear cell, got mlp");
    }
}
