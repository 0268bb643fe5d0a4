package org.featmap.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Java LPIPS on the full AlexNet-LPIPS computation against the real lpips 0.1.4 package
 * (python/fixtures/lpips/make_lpips_alex_fixture.py): lpips.LPIPS(net='alex', pretrained=True,
 * pnet_rand=True) after torch.manual_seed(0), i.e. lpips' shipped linear weights on a randomly initialised
 * AlexNet trunk (the pretrained trunk cannot be downloaded here). The committed fixture holds the images
 * and the package's distances, and the 10 MB export python/export_lpips.py --random-init --seed 0 made of
 * it (committed under export/, so CI needs no torch). Without the committed export the model is re-exported
 * in setup (python3 with torch 2.7.1 + lpips, python/requirements-export.txt; override with FEATMAP_PYTHON);
 * without that Python the test is skipped locally and fails with CI=true.
 */
class LpipsAlexParityIT {
    static final Path FIXTURE = Path.of("src", "test", "resources", "lpips", "alex-rand");
    static final Path COMMITTED = FIXTURE.resolve("export");
    static Path EXPORT = Path.of("target", "lpips-alex-rand");
    private static JsonNode expected;

    @BeforeAll
    static void export() throws Exception {
        expected = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile());
        String want = expected.get("weights_sha256").asText();
        if (Files.isRegularFile(COMMITTED.resolve("manifest.json"))) {
            assertEquals(
                    want,
                    new ObjectMapper()
                            .readTree(COMMITTED.resolve("manifest.json").toFile())
                            .path("weights_sha256")
                            .asText(),
                    "the committed export is not the fixture's model");
            EXPORT = COMMITTED;
            return;
        }
        Path mf = EXPORT.resolve("manifest.json");
        if (Files.isRegularFile(mf)
                && want.equals(new ObjectMapper()
                        .readTree(mf.toFile())
                        .path("weights_sha256")
                        .asText())) return; // an earlier run's export of the same weights
        String python = System.getenv().getOrDefault("FEATMAP_PYTHON", "python3");
        String probe = run(List.of(python, "-c", "import torch, lpips"));
        if (probe != null) {
            String why = "python with torch + lpips unavailable (" + python + ": " + probe
                    + "); pip install -r python/requirements-export.txt";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why);
            Assumptions.abort(why);
        }
        Path script = Path.of("..", "python", "export_lpips.py");
        String err = run(List.of(
                python,
                script.toString(),
                "--random-init",
                "--seed",
                expected.get("seed").asText(),
                "--out",
                EXPORT.toString()));
        if (err != null) fail("export_lpips.py failed: " + err);
        String got =
                new ObjectMapper().readTree(mf.toFile()).path("weights_sha256").asText();
        assertEquals(
                want,
                got,
                "re-exported random AlexNet trunk differs from the fixture's (torch version "
                        + expected.get("torch_version").asText() + " made it): regenerate with "
                        + expected.get("generator").asText());
    }

    /** Runs a command; null on success, else the exit code and the tail of its output. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        if (p.exitValue() == 0) return null;
        String s = new String(out, StandardCharsets.UTF_8).strip();
        return "exit " + p.exitValue() + ": " + s.substring(Math.max(0, s.length() - 400));
    }

    @Test
    void equalsTheLpipsPackageWithin1e5Relative() throws IOException {
        List<RgbImage> a = new ArrayList<>(), b = new ArrayList<>();
        List<Double> want = new ArrayList<>();
        for (JsonNode p : expected.get("pairs")) {
            a.add(ImageCodec.decode(FIXTURE.resolve(p.get("a").asText())));
            b.add(ImageCodec.decode(FIXTURE.resolve(p.get("b").asText())));
            want.add(p.get("distance").asDouble());
        }
        try (Lpips l = Lpips.open(EXPORT)) {
            assertEquals("alex", l.net());
            double[] batched = l.distances(a, b);
            double worst = 0;
            for (int i = 0; i < batched.length; i++) {
                double single = l.distance(a.get(i), b.get(i));
                for (double got : new double[] {batched[i], single}) {
                    double rel = Math.abs(got - want.get(i)) / Math.abs(want.get(i));
                    worst = Math.max(worst, rel);
                    assertTrue(
                            rel <= 1e-5,
                            "pair " + i + ": java " + got + " vs lpips " + want.get(i) + " (rel " + rel + ")");
                }
            }
            System.out.printf(
                    "LPIPS alex (random trunk) vs lpips %s: worst relative difference %.2e over %d pairs%n",
                    expected.get("lpips_version").asText(), worst, batched.length);
            assertEquals(0.0, l.distance(a.get(0), a.get(0)), 1e-7);
            assertTrue(batched[1] > batched[0], "unrelated images are further apart than a noisy copy");
        }
    }
}
