package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issues #8 item 2 and #19 item 6: the demo sweep (config/demo.yaml under its own name, so its own
 * experiment) tracked to infra/local's MLflow, then read the way a researcher does. The REST API's
 * search with a param filter returns exactly the demo's feat3 test cells; the MLflow UI in headless
 * Chromium opens the experiment on its training runs, and its compare view of those cells shows their
 * params (the cell coordinates) and metric columns; a child run's page names its parent; the report
 * is on the sweep run with its figures and links each cell to its run. Screenshots and DOM are kept
 * under workers/target/mlflow-ui/.
 */
class MlflowUiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String VIEW = "workflowType=machine_learning";

    @Test
    void theDemosRunsCanBeFilteredAndComparedInTheMlflowUi() throws Exception {
        URI mlflow = FaultServices.requireMlflow();
        Path dir = Cli.workDir("mlflow-ui");
        String name = "mlflowui-" + System.currentTimeMillis();
        Path cfg = dir.resolve(name + ".yaml");
        // the demo as it is, under its own name (relative export paths resolve from the repository root, failsafe's
        // folder)
        Files.writeString(
                cfg,
                Files.readString(Cli.repo().resolve("config/demo.yaml"))
                        .replace("name: featmap-demo", "name: " + name));
        String out = org.featmap.workers.DemoSweepIT.run(
                "run",
                cfg.toString(),
                "--store",
                dir.resolve("store").toString(),
                "--mlflow",
                mlflow.toString(),
                "--quiet");
        assertTrue(out.contains("0 failed, 0 skipped"), out);

        MlflowRuns api = new MlflowRuns(mlflow);
        String exp = api.experimentId(name);
        assertNotNull(exp, "no MLflow experiment " + name);
        List<JsonNode> runs = api.runs(exp);
        List<JsonNode> parents = runs.stream()
                .filter(r -> MlflowRuns.tag(r, "mlflow.parentRunId") == null)
                .toList();
        assertEquals(1, parents.size(), "one sweep run");
        JsonNode sweep = parents.get(0);
        String sweepId = MlflowRuns.id(sweep);
        assertEquals(System.getProperty("user.name"), MlflowRuns.tag(sweep, "mlflow.user"), "the launching user");
        assertNotNull(MlflowRuns.tag(sweep, "featmap.execution"));
        assertEquals("FINISHED", sweep.path("info").path("status").asText());

        // item 1: every child run carries the cell's coordinates in one vocabulary
        List<JsonNode> children = runs.stream()
                .filter(r -> sweepId.equals(MlflowRuns.tag(r, "mlflow.parentRunId")))
                .toList();
        int cells = 0;
        for (JsonNode c : children) {
            assertEquals("FINISHED", c.path("info").path("status").asText(), c.toString());
            assertNotNull(MlflowExecutionsIT.param(c, "stage"), c.toString());
            if (!List.of("train", "test", "classify", "classify_recon", "wxb", "svd")
                    .contains(MlflowExecutionsIT.param(c, "stage"))) continue;
            cells++;
            for (String k : List.of(
                    "dataset",
                    "group",
                    "source",
                    "backbone",
                    "layer",
                    "manipulation",
                    "model",
                    "apply_transform",
                    "normalized"))
                assertNotNull(MlflowExecutionsIT.param(c, k), k + " missing on " + MlflowRuns.tag(c, "mlflow.runName"));
        }
        assertTrue(cells >= 30, "the demo's cell runs: " + cells);

        // item 6: the UI's filter is runs/search; this one returns exactly the feat3 test cells of the demo
        String filter = "params.stage = 'test' and params.layer = 'feat3' and params.backbone = 'convnext'";
        List<String> ids = search(mlflow, exp, filter + " and tags.`mlflow.parentRunId` = '" + sweepId + "'");
        List<String> expected = children.stream()
                .filter(c -> "test".equals(MlflowExecutionsIT.param(c, "stage"))
                        && "feat3".equals(MlflowExecutionsIT.param(c, "layer")))
                .map(MlflowRuns::id)
                .sorted()
                .toList();
        assertEquals(
                6,
                expected.size(),
                "linear+mlp (grayscale), linear+cnn+spatial_only (rotation_90, applied), transformer (learned)");
        assertEquals(expected, ids.stream().sorted().toList());
        List<String> linear =
                search(mlflow, exp, "params.model = 'linear' and params.layer = 'feat3' and params.stage = 'test'");
        assertEquals(2, linear.size(), "the linear feat3 test cells (direct, applied): " + linear);

        // item 5: artifacts where the UI shows them
        assertTrue(api.artifacts(sweepId, "report").contains("report/index.html"), "report page on the sweep run");
        assertTrue(
                api.artifacts(sweepId, "report").stream().anyMatch(p -> p.endsWith(".png")),
                "report figures on the sweep run");
        assertTrue(api.artifacts(sweepId, null).contains("config.yaml"), "resolved config on the sweep run");
        assertTrue(api.artifacts(expected.get(0), null).contains("grid.png"), "grid at the test run's root");
        Path report;
        try (Stream<Path> s = Files.list(dir.resolve("store/report"))) {
            report = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("index.html");
        }
        String html = Files.readString(report);
        for (String id : expected)
            assertTrue(html.contains("/runs/" + id), "the report links test cell " + id + " to its run");

        String chromium = HeadlessChromium.binary();
        if (chromium == null)
            FaultServices.missing("chromium is not installed (test.sh installs it with apt-get install -y chromium)");
        Path ui = Files.createDirectories(Cli.repo().resolve("workers/target/mlflow-ui"));
        String text = "document.body.innerText";
        String sweepName = MlflowRuns.tag(sweep, "mlflow.runName");
        try (DevTools page = new DevTools(chromium, mlflow + "/#/experiments/" + exp + "?" + VIEW, ui)) {
            // the experiment opens on its runs (the training view), listing the sweep run
            assertTrue(
                    page.waitFor(
                            text + ".includes(" + js(sweepName) + ") && " + text + ".includes('matching runs')",
                            Duration.ofSeconds(90)),
                    "the experiment page does not list the sweep run " + sweepName);
            page.screenshot(ui.resolve("runs.png"));
            Files.writeString(ui.resolve("runs.html"), page.dom());

            // the compare view of the feat3 test cells: params and metric columns
            String runsParam = URLEncoder.encode(JSON.writeValueAsString(expected), StandardCharsets.UTF_8);
            String compare = mlflow + "/#/compare-runs?runs=" + runsParam + "&experiments="
                    + URLEncoder.encode("[\"" + exp + "\"]", StandardCharsets.UTF_8);
            Files.writeString(ui.resolve("url.txt"), compare + "\n");
            page.navigate(compare);
            List<String> shown = List.of(
                    "Comparing 6 Runs",
                    "Parameters",
                    "Metrics",
                    "dataset",
                    "group",
                    "backbone",
                    "layer",
                    "manipulation",
                    "model",
                    "apply_transform",
                    "normalized",
                    "subset_size",
                    "feature_median_cos",
                    "feature_mse",
                    "feature_r2",
                    "linear",
                    "transformer",
                    "spatial_only",
                    "rotation_90",
                    "grayscale");
            String all = String.join(
                    " && ",
                    shown.stream().map(s -> text + ".includes(" + js(s) + ")").toList());
            boolean ok = page.waitFor(all, Duration.ofSeconds(90));
            Files.writeString(ui.resolve("compare.html"), page.dom());
            page.screenshot(ui.resolve("compare.png"));
            if (!ok) {
                List<String> absent = new ArrayList<>();
                for (String s : shown)
                    if (!page.eval(text + ".includes(" + js(s) + ")").asBoolean()) absent.add(s);
                fail("the compare view lacks " + absent + " (DOM in " + ui.resolve("compare.html") + ")");
            }

            // a child run's page names its parent and shows its params and metrics
            JsonNode train = children.stream()
                    .filter(c -> "train".equals(MlflowExecutionsIT.param(c, "stage")))
                    .findFirst()
                    .orElseThrow();
            page.navigate(mlflow + "/#/experiments/" + exp + "/runs/" + MlflowRuns.id(train) + "?" + VIEW);
            assertTrue(
                    page.waitFor(
                            text + ".includes('Parent run') && " + text + ".includes(" + js(sweepName) + ") && " + text
                                    + ".includes('val_loss') && " + text + ".includes('learning_rate')",
                            Duration.ofSeconds(60)),
                    "the run page of " + MlflowRuns.tag(train, "mlflow.runName")
                            + " does not name its parent and list its params and metrics");
            page.screenshot(ui.resolve("train-run.png"));
        }
        System.out.printf(
                "MlflowUiIT: experiment %s: 1 sweep run + %d node runs (%d cells with coordinates); compare view of %d feat3 test"
                        + " cells shows %d params/metrics; screenshots in %s%n",
                exp, children.size(), cells, expected.size(), 20, ui);
    }

    static List<String> search(URI mlflow, String exp, String filter) throws Exception {
        var req = JSON.createObjectNode().put("filter", filter).put("max_results", 1000);
        req.putArray("experiment_ids").add(exp);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(mlflow.resolve("/api/2.0/mlflow/runs/search"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(req.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> ids = new ArrayList<>();
        JSON.readTree(r.body())
                .path("runs")
                .forEach(x -> ids.add(x.path("info").path("run_id").asText()));
        return ids;
    }

    static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
