package org.featmap.core.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8 item 4: generated malformed configs, each must give a {@link ConfigException} whose message
 * is one line naming the file, the line (where the problem has one) and the key.
 *
 * <p>Every case is one edit of a valid base config. For each, the test checks: the exception type; the
 * message has no line break; it starts with {@code bad.yaml:<line>: }; the line is the one the case's
 * marker text is on; the key (the {@link ConfigException#key()} or, for a missing key, the message)
 * names the expected key.
 *
 * <p>"Cycles in dataset references" (named in the issue) cannot be written in this schema: datasets
 * never reference other datasets; the only cross references are classify/analysis dataset lists and
 * backbone names, which are checked below as dangling references instead.
 */
class BadConfigsTest {
    static final String FILE = "bad.yaml";
    static final EnvExpander ENV =
            new EnvExpander(Map.of("HF_TOKEN", "hf_should_never_be_read", "STORE_ROOT", "/tmp/x"));

    static final String BASE = """
      sweep:
        name: base
        store: /tmp/featmap-base
        heartbeat_seconds: 30
      images:
        target_size: 288
        manipulations: [rotation_90, grayscale]
      datasets:
        - name: SYNTH
          synthetic: {classes: 2, per_class_train: 3, per_class_test: 2, seed: 1}
          groups:
            - name: direct
              models: [linear]
              manipulations: [grayscale]
      backbones:
        - name: convnext
          export: models/demo/convnext-atto-rand
          layers: [feat2]
      features:
        batch_size: 8
      training:
        batch_size: 4
        max_epochs: 2
      test:
        enabled: false
      classify:
        enabled: false
      report:
        enabled: false
      """;

    /** One malformed config: replace {@code from} by {@code to} in the base; the error must sit on the line holding {@code lineMarker} (null: any line > 0) and name {@code key}. */
    record Case(String label, String from, String to, String key, String lineMarker) {
        String yaml() {
            assertTrue(BASE.contains(from), label + ": base has no '" + from + "'");
            return BASE.replace(from, to);
        }

        int expectedLine(String yaml) {
            if (lineMarker == null) return -1;
            String[] lines = yaml.split("\n", -1);
            for (int i = 0; i < lines.length; i++) if (lines[i].contains(lineMarker)) return i + 1;
            fail(label + ": marker '" + lineMarker + "' not in the mutated config");
            return 0;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // wrong types
        c.add(new Case(
                "max_in_flight not a number",
                "  heartbeat_seconds: 30",
                "  heartbeat_seconds: 30\n  max_in_flight: lots",
                "sweep.max_in_flight",
                "max_in_flight"));
        c.add(new Case(
                "heartbeat a list",
                "heartbeat_seconds: 30",
                "heartbeat_seconds: [1, 2]",
                "sweep.heartbeat_seconds",
                "heartbeat_seconds"));
        c.add(new Case(
                "target_size fractional", "target_size: 288", "target_size: 2.5", "images.target_size", "target_size"));
        c.add(new Case(
                "learning_rate a word",
                "  max_epochs: 2",
                "  max_epochs: 2\n  learning_rate: fast",
                "training.learning_rate",
                "learning_rate"));
        c.add(new Case(
                "batch_size a mapping",
                "  batch_size: 4",
                "  batch_size: {a: 1}",
                "training.batch_size",
                "batch_size: {a"));
        c.add(new Case(
                "enabled not a boolean",
                "  enabled: false\nclassify",
                "  enabled: maybe\nclassify",
                "test.enabled",
                "maybe"));
        c.add(new Case("features a list", "features:\n  batch_size: 8", "features: [8]", "features", "features: [8]"));
        c.add(new Case(
                "models a scalar",
                "models: [linear]",
                "models: linear",
                "datasets[0].groups[0].models",
                "models: linear"));
        c.add(new Case("layers a scalar", "layers: [feat2]", "layers: feat2", "backbones[0].layers", "layers: feat2"));
        c.add(new Case(
                "sweep a scalar",
                "sweep:\n  name: base\n  store: /tmp/featmap-base\n  heartbeat_seconds: 30",
                "sweep: 5",
                "sweep",
                "sweep: 5"));
        c.add(new Case(
                "synthetic a list",
                "synthetic: {classes: 2, per_class_train: 3, per_class_test: 2, seed: 1}",
                "synthetic: [2, 3]",
                "datasets[0].synthetic",
                "synthetic"));
        c.add(new Case("seed negative", "seed: 1}", "seed: -1}", "datasets[0].synthetic.seed", "seed"));
        // unknown keys
        c.add(new Case(
                "unknown sweep key",
                "  heartbeat_seconds: 30",
                "  heartbeat_seconds: 30\n  max_inflight: 3",
                "sweep.max_inflight",
                "max_inflight"));
        c.add(new Case("misspelt top-level section", "training:", "trainng:", "trainng", "trainng"));
        c.add(new Case("unknown dataset key", "    groups:", "    group:", "datasets[0].group", "group:"));
        c.add(new Case(
                "unknown group key", "models: [linear]", "model: [linear]", "datasets[0].groups[0].model", "model:"));
        c.add(new Case("unknown backbone key", "layers: [feat2]", "layer: [feat2]", "backbones[0].layer", "layer:"));
        c.add(new Case(
                "unknown features key",
                "features:\n  batch_size: 8",
                "features:\n  batch_size: 8\n  dtyp: float16",
                "features.dtyp",
                "dtyp"));
        c.add(new Case(
                "unknown synthetic key", "{classes: 2,", "{clases: 2,", "datasets[0].synthetic.clases", "clases"));
        c.add(new Case(
                "unknown queue stage",
                "  heartbeat_seconds: 30",
                "  heartbeat_seconds: 30\n  queues: {trian: q}",
                "sweep.queues.trian",
                "trian"));
        c.add(new Case(
                "unknown tracking key", "report:", "tracking:\n  uri: http://x\nreport:", "tracking.uri", "uri:"));
        // missing required keys
        c.add(new Case("missing sweep name", "  name: base\n", "", "name", "store: /tmp"));
        c.add(new Case("missing datasets", "datasets:", "datasetz:", "datasetz", "datasetz"));
        c.add(new Case(
                "missing backbones",
                "backbones:\n  - name: convnext\n    export: models/demo/convnext-atto-rand\n    layers: [feat2]\n",
                "",
                "backbones",
                null));
        c.add(new Case(
                "missing export", "    export: models/demo/convnext-atto-rand\n", "", "export", "- name: convnext"));
        c.add(new Case("missing models", "        models: [linear]\n", "", "models", "- name: direct"));
        c.add(new Case(
                "missing group manipulations",
                "        manipulations: [grayscale]\n",
                "",
                "manipulations",
                "- name: direct"));
        c.add(new Case(
                "dataset without root or synthetic",
                "    synthetic: {classes: 2, per_class_train: 3, per_class_test: 2, seed: 1}\n",
                "",
                "root",
                "- name: SYNTH"));
        c.add(new Case(
                "missing group name", "      - name: direct\n        models", "      - models", "name", "- models"));
        c.add(new Case("empty layers", "layers: [feat2]", "layers: []", "layers", "- name: convnext"));
        c.add(new Case("empty datasets", "datasets:\n  - name: SYNTH", "datasets: []\nx:\n  - name: SYNTH", "x", "x:"));
        // bad enum values
        c.add(new Case(
                "bad model", "models: [linear]", "models: [lineer]", "datasets[0].groups[0].models[0]", "lineer"));
        c.add(new Case(
                "bad manipulation",
                "manipulations: [rotation_90, grayscale]",
                "manipulations: [rotation_45, grayscale]",
                "images.manipulations[0]",
                "rotation_45"));
        c.add(new Case(
                "group manipulation not in images",
                "manipulations: [grayscale]",
                "manipulations: [mirror_h]",
                "datasets[0].groups[0].manipulations[0]",
                "mirror_h"));
        c.add(new Case(
                "bad dtype",
                "features:\n  batch_size: 8",
                "features:\n  batch_size: 8\n  dtype: float64",
                "features.dtype",
                "float64"));
        c.add(new Case(
                "bad compression",
                "features:\n  batch_size: 8",
                "features:\n  batch_size: 8\n  compression: gzip",
                "features.compression",
                "gzip"));
        c.add(new Case("bad loss", "  max_epochs: 2", "  max_epochs: 2\n  loss: L1", "training.loss", "L1"));
        c.add(new Case(
                "bad reconstructor",
                "  enabled: false\nclassify",
                "  enabled: false\n  reconstructor: gan\nclassify",
                "test.reconstructor",
                "gan"));
        c.add(new Case(
                "bad image format", "target_size: 288", "target_size: 288\n  format: bmp", "images.format", "bmp"));
        c.add(new Case("bad layer name", "layers: [feat2]", "layers: [layer3]", "backbones[0].layers[0]", "layer3"));
        c.add(new Case(
                "bad group source",
                "- name: direct",
                "- name: direct\n        source: qwen_other",
                "datasets[0].groups[0].source",
                "qwen_other"));
        c.add(new Case(
                "bad edits mode",
                "    groups:",
                "    edits: {mode: paint}\n    groups:",
                "datasets[0].edits.mode",
                "paint"));
        // negative / absurd sizes
        c.add(new Case(
                "max_in_flight zero",
                "  heartbeat_seconds: 30",
                "  heartbeat_seconds: 30\n  max_in_flight: 0",
                "sweep.max_in_flight",
                "max_in_flight"));
        c.add(new Case(
                "max_in_flight negative",
                "  heartbeat_seconds: 30",
                "  heartbeat_seconds: 30\n  max_in_flight: -3",
                "sweep.max_in_flight",
                "max_in_flight"));
        c.add(new Case(
                "heartbeat too short",
                "heartbeat_seconds: 30",
                "heartbeat_seconds: 1",
                "sweep.heartbeat_seconds",
                "heartbeat_seconds"));
        c.add(new Case(
                "target_size absurd", "target_size: 288", "target_size: 100000", "images.target_size", "target_size"));
        c.add(new Case(
                "training batch zero", "  batch_size: 4", "  batch_size: 0", "training.batch_size", "batch_size: 0"));
        c.add(new Case("max_epochs negative", "max_epochs: 2", "max_epochs: -1", "training.max_epochs", "max_epochs"));
        c.add(new Case("one class", "{classes: 2,", "{classes: 1,", "datasets[0].synthetic.classes", "classes"));
        c.add(new Case(
                "learning rate absurd",
                "  max_epochs: 2",
                "  max_epochs: 2\n  learning_rate: 1e9",
                "training.learning_rate",
                "learning_rate"));
        c.add(new Case(
                "val_ratio above 0.9",
                "  max_epochs: 2",
                "  max_epochs: 2\n  val_ratio: 0.95",
                "training.val_ratio",
                "val_ratio"));
        c.add(new Case(
                "batch overflows long",
                "  batch_size: 4",
                "  batch_size: 99999999999999999999",
                "training.batch_size",
                "9999"));
        c.add(new Case(
                "zero train images",
                "per_class_train: 3",
                "per_class_train: 0",
                "datasets[0].synthetic.per_class_train",
                "per_class_train"));
        c.add(new Case(
                "nan learning rate",
                "  max_epochs: 2",
                "  max_epochs: 2\n  learning_rate: .nan",
                "training.learning_rate",
                "learning_rate"));
        c.add(new Case(
                "target_size too small for a mask",
                "target_size: 288\n  manipulations: [rotation_90, grayscale]",
                "target_size: 256\n  manipulations: [mask_bottom_right_square, grayscale]",
                "images.target_size",
                "target_size: 256"));
        c.add(new Case(
                "training batch larger than the subset",
                "  batch_size: 4",
                "  batch_size: 4\n  train_subset_size: 4",
                "training.batch_size",
                "batch_size: 4"));
        c.add(new Case(
                "image_size absurd",
                "report:",
                "reconstruct: {image_size: 4}\nreport:",
                "reconstruct.image_size",
                "image_size"));
        // names that would escape the store or are odd
        c.add(new Case("sweep name ../", "name: base", "name: ../escape", "sweep.name", "../escape"));
        c.add(new Case("dataset name absolute", "- name: SYNTH", "- name: /etc", "datasets[0].name", "/etc"));
        c.add(new Case("group name with slash", "- name: direct", "- name: a/b", "datasets[0].groups[0].name", "a/b"));
        c.add(new Case(
                "backbone name with space", "- name: convnext", "- name: conv next", "backbones[0].name", "conv next"));
        c.add(new Case("non-ASCII name", "- name: SYNTH", "- name: SYNTHé", "datasets[0].name", "SYNTH"));
        c.add(new Case("name with ..", "name: base", "name: a..b", "sweep.name", "a..b"));
        c.add(new Case("empty name", "name: base", "name: ''", "sweep.name", "name: ''"));
        c.add(new Case("name too long", "name: base", "name: " + "x".repeat(200), "sweep.name", "xxxx"));
        c.add(new Case(
                "shell characters in name", "- name: SYNTH", "- name: 'a;rm -rf ~'", "datasets[0].name", "rm -rf"));
        c.add(new Case("Windows drive name", "- name: convnext", "- name: 'C:\\\\x'", "backbones[0].name", "C:"));
        c.add(new Case(
                "hidden-file name", "- name: direct", "- name: .hidden", "datasets[0].groups[0].name", ".hidden"));
        // duplicate names
        c.add(new Case(
                "duplicate dataset",
                "backbones:",
                "  - {name: SYNTH, synthetic: {classes: 2, per_class_train: 3, per_class_test: 2}, groups: [{name: direct, models: [linear], manipulations: [grayscale]}]}\nbackbones:",
                "datasets[1].name",
                "{name: SYNTH"));
        c.add(new Case(
                "duplicate group",
                "backbones:",
                "      - {name: direct, models: [mlp], manipulations: [grayscale]}\nbackbones:",
                "datasets[0].groups[1].name",
                "{name: direct"));
        c.add(new Case(
                "duplicate backbone",
                "features:",
                "  - {name: convnext, export: x, layers: [feat2]}\nfeatures:",
                "backbones[1].name",
                "{name: convnext"));
        c.add(new Case(
                "duplicate key",
                "  store: /tmp/featmap-base",
                "  store: /tmp/featmap-base\n  store: /tmp/other",
                "sweep.store",
                "/tmp/other"));
        c.add(new Case(
                "model listed twice",
                "models: [linear]",
                "models: [linear, linear]",
                "datasets[0].groups[0].models[1]",
                "[linear, linear]"));
        c.add(new Case(
                "layer listed twice",
                "layers: [feat2]",
                "layers: [feat2, feat2]",
                "backbones[0].layers[1]",
                "feat2, feat2"));
        // qwen groups and edits
        c.add(new Case(
                "qwen group without edits",
                "- name: direct",
                "- name: qwen_direct",
                "datasets[0].groups[0]",
                "qwen_direct"));
        c.add(new Case(
                "edits import without import_dir",
                "    groups:",
                "    edits: {enabled: true}\n    groups:",
                "datasets[0].edits",
                "edits:"));
        c.add(new Case(
                "qwen manipulation not a prompt",
                "    groups:",
                "    edits: {enabled: true, import_dir: /x, prompts: [{name: snow, text: add snow}]}\n    groups:\n      - name: qwen_edits\n        models: [linear]\n        manipulations: [rain]",
                "datasets[0].groups[0].manipulations[0]",
                "[rain]"));
        c.add(new Case(
                "prompt name twice",
                "    groups:",
                "    edits:\n      prompts:\n        - {name: snow, text: a}\n        - {name: snow, text: b}\n    groups:",
                "datasets[0].edits.prompts[1].name",
                "text: b"));
        // secrets
        c.add(new Case(
                "HF token expanded", "store: /tmp/featmap-base", "store: ${HF_TOKEN}", "sweep.store", "HF_TOKEN"));
        c.add(new Case(
                "AWS secret expanded",
                "store: /tmp/featmap-base",
                "store: s3://b/${AWS_SECRET_ACCESS_KEY}",
                "sweep.store",
                "AWS_SECRET"));
        c.add(new Case(
                "MLflow token expanded",
                "report:",
                "tracking: {mlflow: 'http://h/${MLFLOW_TRACKING_TOKEN}'}\nreport:",
                "tracking.mlflow",
                "MLFLOW_TRACKING_TOKEN"));
        c.add(new Case(
                "credentials in MLflow URL",
                "report:",
                "tracking: {mlflow: 'http://user:pw@h:5000'}\nreport:",
                "tracking.mlflow",
                "user:pw"));
        c.add(new Case(
                "token in hf_token_env",
                "    groups:",
                "    edits: {hf_token_env: hf-AbC123xyz}\n    groups:",
                "datasets[0].edits.hf_token_env",
                "hf-AbC"));
        c.add(new Case(
                "unset variable", "store: /tmp/featmap-base", "store: ${NOPE_UNSET_VAR}", "sweep.store", "NOPE_UNSET"));
        c.add(new Case(
                "unfinished reference",
                "store: /tmp/featmap-base",
                "store: ${STORE_ROOT",
                "sweep.store",
                "STORE_ROOT"));
        // reconstructor featinv without export, dangling references
        c.add(new Case(
                "featinv without export",
                "  enabled: false\nclassify",
                "  enabled: true\n  reconstructor: featinv\nclassify",
                "test.reconstructor",
                "featinv"));
        c.add(new Case(
                "classify unknown dataset",
                "classify:\n  enabled: false",
                "classify:\n  enabled: false\n  datasets: [NOPE]",
                "classify.datasets[0]",
                "NOPE"));
        c.add(new Case(
                "classify unknown backbone",
                "classify:\n  enabled: false",
                "classify:\n  enabled: true\n  backbone: swin",
                "classify.backbone",
                "swin"));
        c.add(new Case(
                "wxb unknown dataset",
                "report:",
                "analysis: {wxb: true, wxb_datasets: [CARS]}\nreport:",
                "analysis.wxb_datasets[0]",
                "CARS"));
        c.add(new Case(
                "normalize a layer not extracted",
                "layers: [feat2]",
                "layers: [feat2]\n    normalize: [feat3]",
                "backbones[0].normalize[0]",
                "normalize"));
        // YAML-level problems
        c.add(new Case("bad indentation", "  store: /tmp/featmap-base", "    store: /tmp/featmap-base", "", "store"));
        c.add(new Case("unclosed flow mapping", "seed: 1}", "seed: 1", "", null));
        c.add(new Case("tab indentation", "  store: /tmp/featmap-base", "\tstore: /tmp/featmap-base", "", "store"));
        return c;
    }

    @Test
    void atLeastFiftyCases() {
        assertTrue(cases().size() >= 50, "only " + cases().size() + " cases");
    }

    @TestFactory
    Stream<DynamicTest> eachMalformedConfigGivesOneLineNamingFileLineAndKey() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> check(c)));
    }

    static void check(Case c) {
        String yaml = c.yaml();
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigLoader.parse(FILE, yaml, ENV), c.label() + ": accepted\n" + yaml);
        String msg = e.getMessage();
        assertFalse(msg.contains("\n") || msg.contains("\r"), c.label() + ": message spans lines: " + msg);
        assertEquals(FILE, e.file(), c.label());
        assertTrue(e.line() > 0, c.label() + ": no line: " + msg);
        assertTrue(msg.startsWith(FILE + ":" + e.line() + ": "), c.label() + ": " + msg);
        int want = c.expectedLine(yaml);
        if (want > 0) assertEquals(want, e.line(), c.label() + ": " + msg);
        if (!c.key().isEmpty())
            assertTrue(
                    e.key().equals(c.key()) || msg.contains("'" + c.key() + "'"),
                    c.label() + ": key '" + e.key() + "' in '" + msg + "' does not name " + c.key());
        assertFalse(msg.contains("hf_should_never_be_read"), c.label() + ": secret value in message: " + msg);
    }

    @Test
    void emptyFileAndNonMappingName(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, "", ENV));
        assertEquals(FILE + ":1: the file is empty; expected a mapping with a 'sweep' key", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, "- a\n- b\n", ENV));
        assertTrue(e.getMessage().startsWith(FILE + ":1: expected a mapping"), e.getMessage());
        Path missing = dir.resolve("nope.yaml");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, ENV));
        assertEquals(missing + ": no such file", e.getMessage()); // no line exists for a missing file
        Path binary = dir.resolve("bin.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(binary, ENV));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aliasBombIsRefused() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 12; i++) y.append("b").append(i).append(": [*a, *a, *a, *a]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, y.toString(), ENV));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void baseConfigIsValid() {
        assertEquals("base", ConfigLoader.parse(FILE, BASE, ENV).sweep().name());
    }
}
