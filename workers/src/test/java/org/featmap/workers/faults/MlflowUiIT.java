package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 2: a sweep of two training cells, run with no tracking URI, is tracked to infra/local's
 * MLflow server (started by {@code featmap run} itself when installed); the REST API shows one parent
 * run and two child runs with metrics, and the MLflow UI in headless Chromium shows them nested. The
 * screenshot and DOM are kept under workers/target/mlflow-ui/.
 */
class MlflowUiIT {
  @Test
  void sweepRunsShowNestedUnderTheirParentInTheMlflowUi() throws Exception {
    URI mlflow = FaultServices.requireMlflow();
    Path dir = Cli.workDir("mlflow-ui");
    String name = "mlflowui-" + System.currentTimeMillis();
    Path cfg = twoCellSweep(dir, name);
    Path log = dir.resolve("run.log");
    // No --mlflow and no MLFLOW_* variables of ours (Cli drops them): with infra/local, featmap run must find its
    // server by itself; with Testcontainers, Cli passes the containers' MLFLOW_TRACKING_URI.
    assertEquals(0, Cli.run(List.of("run", cfg.toString(), "--quiet"), Map.of(), log, Duration.ofMinutes(4)), Cli.tail(log));
    String out = Files.readString(log);
    if (!FaultServices.trackedTo(out, mlflow)) FaultServices.missing("the sweep was not tracked to the MLflow server at " + mlflow + ": " + Cli.tail(log));

    MlflowRuns api = new MlflowRuns(mlflow);
    String exp = api.experimentId(name);
    assertNotNull(exp, "no MLflow experiment " + name);
    List<JsonNode> runs = api.runs(exp);
    List<JsonNode> parents = runs.stream().filter(r -> MlflowRuns.tag(r, "mlflow.parentRunId") == null).toList();
    assertEquals(1, parents.size(), "one sweep run: " + runs);
    JsonNode parent = parents.get(0);
    assertTrue(MlflowRuns.tag(parent, "featmap.cellKey").startsWith("sweep:"), parent.toString());
    List<JsonNode> children = runs.stream().filter(r -> MlflowRuns.id(parent).equals(MlflowRuns.tag(r, "mlflow.parentRunId"))).toList();
    assertEquals(2, children.size(), "a child run per training cell: " + runs);
    for (JsonNode c : List.copyOf(children)) {
      assertTrue(MlflowRuns.metricKeys(c).containsAll(List.of("train_loss_epoch", "val_loss", "best_val_loss")), c.toString());
      assertEquals("FINISHED", c.path("info").path("status").asText(), c.toString());
    }
    assertEquals("FINISHED", parent.path("info").path("status").asText());

    String chromium = HeadlessChromium.binary();
    if (chromium == null) {
      FaultServices.missing("chromium is not installed (test.sh installs it with apt-get install -y chromium)");
    }
    Path ui = Files.createDirectories(Cli.repo().resolve("workers/target/mlflow-ui"));
    String url = mlflow + "/#/experiments/" + exp + "/runs";
    Files.writeString(ui.resolve("url.txt"), url + "\n");
    String parentName = MlflowRuns.tag(parent, "mlflow.runName");
    List<String> childNames = children.stream().map(c -> MlflowRuns.tag(c, "mlflow.runName")).toList();
    Path png = ui.resolve("runs.png");
    try (DevTools page = new DevTools(chromium, url, ui)) {
      String text = "document.body.innerText";
      assertTrue(page.waitFor(text + ".includes(" + js(parentName) + ") && " + text + ".includes('3 matching runs')", Duration.ofSeconds(60)),
          "the MLflow UI did not list the sweep run " + parentName);
      // Collapsed: the parent's row alone is shown, with an expander; its children are not top-level rows.
      for (String c : childNames) assertFalse(page.eval(text + ".includes(" + js(c) + ")").asBoolean(), "child run " + c + " shown as a top-level row");
      assertTrue(page.waitFor("document.querySelectorAll('[role=row] [role=gridcell][aria-colindex=\"2\"] button').length == 1",
          Duration.ofSeconds(30)), "one expander (the sweep run's) in the run table");
      Files.writeString(ui.resolve("collapsed.html"), page.dom());
      page.screenshot(ui.resolve("collapsed.png"));
      page.eval("document.querySelector('[role=row] [role=gridcell][aria-colindex=\"2\"] button').click(), true");
      String allChildren = childNames.stream().map(c -> text + ".includes(" + js(c) + ")").reduce((x, y) -> x + " && " + y).orElseThrow();
      assertTrue(page.waitFor(allChildren, Duration.ofSeconds(30)), "expanding the sweep run did not show its child runs " + childNames);
      // Rows in display order: the parent first, its children right under it.
      // ag-grid splits a row between the pinned (run name) and the scrolling container: join by row-index.
      String rows = page.eval("(() => { const m = {}; document.querySelectorAll('[role=row][row-index]').forEach(r => {"
          + " const i = r.getAttribute('row-index'); m[i] = (m[i] || '') + ' ' + r.innerText.replace(/\\s+/g, ' '); });"
          + " return Object.keys(m).sort((a, b) => a - b).map(k => m[k].trim()).join('\\n'); })()").asText();
      Files.writeString(ui.resolve("rows.txt"), rows);
      Files.writeString(ui.resolve("expanded.html"), page.dom());
      page.screenshot(png);
      assertTrue(rows.indexOf(parentName) >= 0 && childNames.stream().allMatch(c -> rows.indexOf(c) > rows.indexOf(parentName)),
          "child rows come after the parent row: " + rows);
      // Each child run's page names its parent run and lists its metrics (the run overview).
      for (JsonNode c : children) {
        page.navigate(mlflow + "/#/experiments/" + exp + "/runs/" + MlflowRuns.id(c));
        String shown = String.join(" && ", List.of("train_loss_epoch", "val_loss", "best_val_loss").stream()
            .map(m -> text + ".includes('" + m + "')").toList());
        assertTrue(page.waitFor("document.body && " + text + ".includes(" + js(MlflowRuns.tag(c, "mlflow.runName")) + ") && "
            + text + ".includes('Parent run') && " + text + ".includes(" + js(parentName) + ") && " + shown,
            Duration.ofSeconds(60)), "the run page of " + MlflowRuns.tag(c, "mlflow.runName") + " does not name its parent and list its metrics");
        page.screenshot(ui.resolve("child-" + children.indexOf(c) + ".png"));
      }
    }
    System.out.printf("MlflowUiIT: experiment %s: 1 parent + %d child runs with metrics; UI screenshot %s (%d bytes)%n",
        exp, children.size(), png, Files.size(png));
  }

  static String js(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** TinySweep with two manipulations: two training cells, each a child run of the sweep run. */
  static Path twoCellSweep(Path dir, String name) throws Exception {
    Path cfg = TinySweep.write(dir, name, dir.resolve("store"), 4, 3);
    Files.writeString(cfg, Files.readString(cfg).replace("manipulations: [grayscale]", "manipulations: [grayscale, hue_shift_60]"));
    return cfg;
  }
}
