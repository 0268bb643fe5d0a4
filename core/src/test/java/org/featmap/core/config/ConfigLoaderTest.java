package org.featmap.core.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final EnvExpander ENV = new EnvExpander(Map.of("DATA", "/data", "EMPTY", ""));

    static String minimal(String datasetsExtra, String groupExtra) {
        return """
        sweep:
          name: t1
        datasets:
          - name: D
            synthetic: {classes: 2, per_class_train: 3, per_class_test: 2, seed: 1}
        %s
            groups:
              - name: direct
                models: [linear]
                manipulations: [grayscale]
        %s
        backbones:
          - name: convnext
            export: /models/x
            layers: [feat3]
        """.formatted(datasetsExtra, groupExtra);
    }

    static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse("c.yaml", yaml, ENV));
    }

    @Test
    void minimalConfigGetsReferenceDefaults() {
        SweepConfig c = ConfigLoader.parse("c.yaml", minimal("", ""), ENV);
        assertEquals("t1", c.sweep().name());
        assertEquals("COMBINED", c.training().loss());
        assertEquals(8000, c.training().trainSubsetSize());
        assertEquals(6, c.training().earlyStopPatience());
        assertEquals(12, c.images().manipulations().size());
        assertEquals("featmap-gpu", c.sweep().queueOf("train"));
        assertEquals("featmap-cpu", c.sweep().queueOf("svd"));
        assertEquals(6, c.datasets().get(0).trainImages());
    }

    @Test
    void paperAndDemoConfigsLoad() {
        Map<String, String> env = Map.of();
        for (String f : new String[] {"../config/paper.yaml", "../config/demo.yaml"}) {
            if (!java.nio.file.Files.exists(Path.of(f))) continue;
            SweepConfig c = ConfigLoader.load(Path.of(f), new EnvExpander(env));
            assertFalse(c.datasets().isEmpty(), f);
        }
    }

    @Test
    void unknownKeyNamesFileLineKeyAndAllowed() {
        ConfigException e = fails(minimal("", "").replace("  name: t1", "  name: t1\n  max_inflight: 3"));
        assertEquals("c.yaml", e.file());
        assertEquals(3, e.line());
        assertEquals("sweep.max_inflight", e.key());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "c.yaml:3: sweep.max_inflight: unknown key; allowed here: name, store, max_in_flight"),
                e.getMessage());
    }

    @Test
    void badModelNameListsAllowed() {
        ConfigException e = fails(minimal("", "").replace("models: [linear]", "models: [lineer]"));
        assertEquals("datasets[0].groups[0].models[0]", e.key());
        assertTrue(e.getMessage().endsWith("'lineer' is not one of linear, mlp, cnn, transformer"), e.getMessage());
        assertEquals(9, e.line());
    }

    @Test
    void wrongTypeAndRange() {
        ConfigException e = fails(minimal("", "").replace("  name: t1", "  name: t1\n  max_in_flight: lots"));
        assertTrue(
                e.getMessage().contains("sweep.max_in_flight: 'lots' is not a whole number; allowed: 1 .. 1000"),
                e.getMessage());
        e = fails(minimal("", "").replace("  name: t1", "  name: t1\n  max_in_flight: 0"));
        assertTrue(e.getMessage().contains("0 is out of range; allowed: 1 .. 1000"), e.getMessage());
    }

    @Test
    void unknownManipulationAndQwenWithoutEdits() {
        ConfigException e = fails(minimal("", "").replace("manipulations: [grayscale]", "manipulations: [greyscale]"));
        assertTrue(e.getMessage().contains("'greyscale' is not one of rotation_90"), e.getMessage());
        e = fails(minimal("", "").replace("      - name: direct", "      - name: qwen_x"));
        assertTrue(e.getMessage().contains("needs the dataset's 'edits' enabled"), e.getMessage());
    }

    @Test
    void namesThatWouldEscapeTheStoreAreRejected() {
        ConfigException e = fails(minimal("", "").replace("name: t1", "name: ../etc"));
        assertTrue(e.getMessage().contains("'../etc' is not a usable name"), e.getMessage());
        e = fails(minimal("", "").replace("- name: D", "- name: /abs"));
        assertTrue(e.getMessage().contains("is not a usable name"), e.getMessage());
    }

    @Test
    void environmentExpansion() {
        SweepConfig c = ConfigLoader.parse(
                "c.yaml",
                minimal("", "")
                        .replace("/models/x", "${DATA}/m")
                        .replace("name: t1", "name: t1\n  store: ${NOPE:-./st}"),
                ENV);
        assertEquals("/data/m", c.backbones().get(0).export());
        assertEquals("./st", c.sweep().store());
        ConfigException e = fails(minimal("", "").replace("/models/x", "${NOPE}/m"));
        assertTrue(e.getMessage().contains("environment variable NOPE is not set"), e.getMessage());
    }

    @Test
    void secretsAreNeverExpandedIntoAConfig() {
        ConfigException e = fails(minimal("", "").replace("/models/x", "${HF_TOKEN}"));
        assertTrue(e.getMessage().contains("${HF_TOKEN} looks like a secret"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_"), "no secret value in the message");
    }

    @Test
    void invalidYamlAndMissingKeys() {
        ConfigException e = fails("sweep: [unclosed\n");
        assertTrue(e.getMessage().startsWith("c.yaml:2: not valid YAML"), e.getMessage());
        e = fails("sweep:\n  name: x\n");
        assertTrue(e.getMessage().contains("missing required key 'datasets'"), e.getMessage());
        e = fails("");
        assertTrue(e.getMessage().contains("the file is empty"), e.getMessage());
    }

    @Test
    void duplicateKeysAndDuplicateEntries() {
        ConfigException e = fails(minimal("", "").replace("  name: t1", "  name: t1\n  name: t2"));
        assertEquals("c.yaml:3: sweep.name: key appears twice", e.getMessage());
        e = fails(minimal("", "").replace("models: [linear]", "models: [linear, linear]"));
        assertTrue(e.getMessage().contains("'linear' is listed twice"), e.getMessage());
    }

    @Test
    void missingFile() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/x.yaml")));
        assertEquals("/nonexistent/x.yaml: no such file", e.getMessage());
    }

    @Test
    void lpipsExportIsOptional() {
        assertNull(ConfigLoader.parse("c.yaml", minimal("", ""), ENV).test().lpipsExport());
        SweepConfig c =
                ConfigLoader.parse("c.yaml", minimal("", "") + "test: {lpips_export: /models/lpips-alex}\n", ENV);
        assertEquals("/models/lpips-alex", c.test().lpipsExport());
        assertTrue(fails(minimal("", "") + "test: {lpips: /x}\n").getMessage().contains("lpips"));
    }
}
