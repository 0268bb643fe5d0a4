package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: the demo sweep runs every stage on embedded defaults, a second
 * run recomputes nothing, and the report references only figures that exist and are not empty.
 * Runs from the repository root (failsafe's working directory), as a user would.
 */
public class DemoSweepIT {
    /** featmap in this JVM (the demo needs the test JVM's heap); fails unless it exits 0; returns its output. */
    public static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = Featmap.commandLine().execute(args);
            String out = buf.toString(StandardCharsets.UTF_8);
            assertEquals(0, rc, "featmap " + String.join(" ", args) + " failed:\n" + out);
            return out;
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void demoSweepRunsEveryStageThenHitsTheCache(@TempDir Path store) throws Exception {
        String first = run("run", "config/demo.yaml", "--store", store.toString(), "--quiet");
        assertTrue(first.contains("0 failed, 0 skipped"), first);
        assertFalse(first.contains(" 0 computed"), first);
        String second = run("run", "config/demo.yaml", "--store", store.toString(), "--quiet");
        assertTrue(
                Pattern.compile("\\(0 computed, (\\d+) cache hits\\)")
                        .matcher(second)
                        .find(),
                second);

        Path report;
        try (Stream<Path> s = Files.list(store.resolve("report"))) {
            report = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("index.html");
        }
        String html = Files.readString(report);
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int figures = 0;
        while (m.find()) {
            Path png = report.getParent().resolve(m.group(1));
            assertTrue(Files.isRegularFile(png) && Files.size(png) > 1000, "figure " + png + " missing or empty");
            figures++;
        }
        assertTrue(figures >= 6, "the report shows " + figures + " figures");
        for (String section : List.of("Training", "Test", "Classification", "Linear maps"))
            assertTrue(html.contains(section), "report section " + section);

        // every model type of spec §5 was trained through the graph, each to a finite best validation loss
        java.util.Set<String> types = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.walk(store.resolve("train"))) {
            for (Path j :
                    s.filter(p -> p.toString().endsWith("_mapping_model.json")).toList()) {
                com.fasterxml.jackson.databind.JsonNode side =
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(j.toFile());
                assertTrue(Double.isFinite(side.get("val_loss").asDouble()), j + ": " + side);
                types.add(side.get("model_type").asText());
            }
        }
        assertEquals(java.util.Set.of("cnn", "linear", "mlp", "transformer"), types);

        // every trained cell was tested with the decoder: an evaluation table and a grid per cell
        try (Stream<Path> s = Files.list(store.resolve("test"))) {
            for (Path t : s.filter(Files::isDirectory).toList()) {
                assertTrue(Files.isRegularFile(t.resolve("manifest.json")), t + " not committed");
                assertTrue(
                        Files.size(t.resolve("evaluation.csv")) > 0 && Files.size(t.resolve("grid.png")) > 1000,
                        t.toString());
                assertTrue(Files.size(t.resolve("evaluation.arrow")) > 0, t + " has no evaluation.arrow");
                List<String> lines = Files.readAllLines(t.resolve("evaluation.csv"));
                for (String line : lines.subList(1, lines.size())) {
                    String[] c = line.split(",", -1);
                    assertEquals("", c[11], t + ": LPIPS without an lpips_export must stay empty");
                    assertFalse(
                            c[12].isEmpty() || c[17].isEmpty(),
                            t + ": the convnext feat3 cosine metrics are missing: " + line);
                }
                String manifest = Files.readString(t.resolve("manifest.json"));
                assertTrue(
                        manifest.contains("LPIPS skipped because no lpips_export is configured"),
                        t + " does not say why LPIPS is empty");
            }
        }
    }
}
