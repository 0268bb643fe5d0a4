package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
    Path dir = Cli.workDir("mlflow-ui");
    String name = "mlflowui-" + System.currentTimeMillis();
    Path cfg = twoCellSweep(dir, name);
    Path log = dir.resolve("run.log");
    // No --mlflow and no MLFLOW_* variables (Cli drops them): featmap run must find infra/local's server.
    assertEquals(0, Cli.run(List.of("run", cfg.toString(), "--quiet"), Map.of(), log, Duration.ofMinutes(4)), Cli.tail(log));
    String out = Files.readString(log);
    if (!out.contains("tracking: local MLflow")) FaultServices.missing("the sweep was not tracked to infra/local's MLflow: " + Cli.tail(log));
    URI mlflow = localMlflow();

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
    for (JsonNode c : children) {
      assertTrue(MlflowRuns.metricKeys(c).containsAll(List.of("train_loss_epoch", "val_loss", "best_val_loss")), c.toString());
      assertEquals("FINISHED", c.path("info").path("status").asText(), c.toString());
    }
    assertEquals("FINISHED", parent.path("info").path("status").asText());

    String chromium = HeadlessChromium.binary();
    if (chromium == null) {
      if (FaultServices.inCi()) fail("chromium is not installed (test.sh installs it with apt-get install -y chromium)");
      Assumptions.abort("chromium is not installed (apt-get install -y chromium)");
    }
    Path ui = Files.createDirectories(Cli.repo().resolve("workers/target/mlflow-ui"));
    String url = mlflow + "/#/experiments/" + exp + "/runs";
    String dom = HeadlessChromium.dumpDom(chromium, url, ui);
    Path png = HeadlessChromium.screenshot(chromium, url, ui.resolve("runs.png"), ui);
    Files.writeString(ui.resolve("url.txt"), url + "\n");
    assertTrue(dom.contains(MlflowRuns.tag(parent, "mlflow.runName")), "the UI shows the sweep run " + name + "; DOM in " + ui);
    for (JsonNode c : children) {
      String runName = MlflowRuns.tag(c, "mlflow.runName");
      assertTrue(dom.contains(runName), "the UI shows child run " + runName + "; DOM in " + ui);
    }
    System.out.printf("MlflowUiIT: experiment %s: 1 parent + %d child runs with metrics; UI screenshot %s (%d bytes)%n",
        exp, children.size(), png, Files.size(png));
  }

  static URI localMlflow() {
    return URI.create(FaultServices.env("FEATMAP_MLFLOW_URI", "http://127.0.0.1:" + FaultServices.env("FEATMAP_MLFLOW_PORT", "5005")));
  }

  /** TinySweep with two manipulations: two training cells, each a child run of the sweep run. */
  static Path twoCellSweep(Path dir, String name) throws Exception {
    Path cfg = TinySweep.write(dir, name, dir.resolve("store"), 4, 3);
    Files.writeString(cfg, Files.readString(cfg).replace("manipulations: [grayscale]", "manipulations: [grayscale, hue_shift_60]"));
    return cfg;
  }
}
