package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.ConfigLocator;
import org.featmap.core.config.SweepConfig;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.images.SyntheticDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16 item 2: what a config points to is checked before anything runs; every problem is one line naming
 * file, line and key, all of them at once; plan still prints the plan and exits 2, run starts nothing.
 */
class PreflightTest {
    static final Path DEMO_CONVNEXT = Path.of("..", "models", "demo", "convnext-atto-rand")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path tmp;

    /** A real dataset (train and test), and an import folder holding one edit per case. */
    Path config() throws Exception {
        Path data = tmp.resolve("CARS");
        SyntheticDataset.generate(data, 2, 2, 1, 3L, 64); // train ids 00001-00004, test 00005-00006
        Path edits = tmp.resolve("edits");
        Files.createDirectories(edits.resolve("train"));
        Files.createDirectories(edits.resolve("test"));
        jpeg(edits.resolve("train/00001_Turn_on_headlights.jpg"));
        jpeg(edits.resolve("train/00002_Add_police_lights.jpg")); // not configured
        jpeg(edits.resolve("train/00005_Turn_on_headlights.jpg")); // a test id in train/
        jpeg(edits.resolve("test/00005_qwen_Make_it_pink_0.jpg")); // no such edit
        Path cfg = tmp.resolve("c.yaml");
        Files.writeString(cfg, """
        sweep: {name: pre, store: %s}
        images: {manipulations: [grayscale]}
        datasets:
          - name: CARS
            root: %s
            edits:
              enabled: true
              import_dir: %s
              prompts:
                - {name: Turn_on_headlights, text: "headlights"}
            groups:
              - {name: direct, models: [linear], manipulations: [grayscale]}
          - name: CUB
            root: %s
            groups:
              - {name: direct, models: [linear], manipulations: [grayscale]}
        backbones:
          - name: convnext
            export: %s
            layers: [feat3, feat7]
          - name: swinv2
            export: %s
            layers: [feat0]
        test:
          reconstructor: featinv
          featinv_export: %s
          lpips_export: %s
        """.formatted(
                        tmp.resolve("store"),
                        data,
                        edits,
                        tmp.resolve("CUB"),
                        DEMO_CONVNEXT,
                        tmp.resolve("no-swin"),
                        tmp.resolve("no-featinv"),
                        tmp.resolve("no-lpips")));
        return cfg;
    }

    @Test
    void listsEveryProblemOnItsOwnLineWithFileLineAndKey() throws Exception {
        Path cfg = config();
        SweepConfig c = ConfigLoader.load(cfg);
        List<String> lines = Preflight.check(c, ConfigLocator.of(cfg)).problems().stream()
                .map(Preflight.Problem::line)
                .toList();
        String all = String.join("\n", lines);
        assertEquals(8, lines.size(), all);
        assertLine(
                lines,
                cfg + ":20: backbones[0].layers[1]: 'feat7' is not a layer of " + DEMO_CONVNEXT.resolve("manifest.json")
                        + "; it has feat0, feat1, feat2, feat3");
        assertLine(lines, cfg + ":22: backbones[1].export: " + tmp.resolve("no-swin") + ": no such folder");
        assertLine(lines, cfg + ":14: datasets[1].root: " + tmp.resolve("CUB/images") + ": no train/ or test/ folder");
        assertLine(
                lines,
                cfg + ":9: datasets[0].edits.prompts: " + tmp.resolve("edits/train")
                        + ": 1 file with edits of prompts not configured here (configured: Turn_on_headlights): 00002_Add_police_lights.jpg (Add_police_lights)");
        assertLine(
                lines,
                cfg + ":8: datasets[0].edits.import_dir: " + tmp.resolve("edits/train")
                        + ": 1 file with ids that are not images of the train split");
        assertLine(
                lines,
                cfg + ":8: datasets[0].edits.import_dir: " + tmp.resolve("edits/test")
                        + ": 1 file with names of no known edit: 00005_qwen_Make_it_pink_0.jpg");
        assertLine(lines, cfg + ":26: test.featinv_export: FeatInv manifest not found: " + tmp.resolve("no-featinv"));
        assertLine(lines, cfg + ":27: test.lpips_export: " + tmp.resolve("no-lpips/manifest.json") + ": missing");
        for (String l : lines) assertFalse(l.contains("\n"), l);
    }

    @Test
    void planPrintsThePlanAndExitsTwoRunStartsNothing() throws Exception {
        Path cfg = config();
        Captured plan = capture("plan", cfg.toString());
        assertEquals(2, plan.rc, plan.err);
        assertTrue(plan.out.contains("sweep pre:"), plan.out);
        assertTrue(plan.err.contains("preflight found 8 problems:"), plan.err);
        Captured noCheck = capture("plan", "--no-preflight", cfg.toString());
        assertEquals(0, noCheck.rc, noCheck.err);
        Captured run = capture("run", cfg.toString(), "--no-workers", "--temporal", "localhost:1");
        assertEquals(2, run.rc, run.err);
        assertTrue(run.err.startsWith("featmap: preflight found 8 problems; nothing was started:"), run.err);
        assertFalse(run.err.contains("temporal:"), "no service was opened: " + run.err);
        assertFalse(Files.exists(tmp.resolve("store")), "nothing written to the store");
    }

    @Test
    void planSizesFeaturesFromTheExportManifests() throws Exception {
        Path cfg = tmp.resolve("p.yaml");
        Files.writeString(cfg, """
        sweep: {name: sizes, store: %s}
        images: {manipulations: [grayscale]}
        datasets:
          - name: S
            synthetic: {classes: 2, per_class_train: 5, per_class_test: 5}
            groups:
              - {name: direct, models: [linear], manipulations: [grayscale]}
        backbones:
          - {name: convnext, export: %s, layers: [feat3]}
        test: {enabled: false}
        """.formatted(tmp.resolve("store"), DEMO_CONVNEXT));
        Captured plan = capture("plan", cfg.toString());
        assertEquals(0, plan.rc, plan.err);
        // 20 images × 2 (resized + grayscale) rows of the atto export's feat3, 256×9×9 float32 (spec's base: 1024×9×9)
        long bytes = 40L * 256 * 9 * 9 * 4;
        assertTrue(plan.out.contains("features: 40 rows, " + PlanCommand.human(bytes) + " as float32\n"), plan.out);
        assertEquals(1, plan.out.lines().filter(l -> l.startsWith("features:")).count(), "printed once");
        assertTrue(plan.out.contains("layer shapes of the export manifests (convnext)"), plan.out);
    }

    static void jpeg(Path file) throws Exception {
        ImageCodec.write(new RgbImage(8, 8, new byte[8 * 8 * 3]), file, ImageFormat.JPG);
    }

    static void assertLine(List<String> lines, String start) {
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith(start)),
                "no line starting with\n  " + start + "\nin\n  " + String.join("\n  ", lines));
    }

    record Captured(int rc, String out, String err) {}

    static synchronized Captured capture(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int rc = Featmap.commandLine().execute(args);
            return new Captured(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }
}
