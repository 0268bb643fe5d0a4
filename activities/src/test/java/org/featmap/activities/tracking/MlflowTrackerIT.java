package org.featmap.activities.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.featmap.activities.store.S3Clients;
import org.featmap.activities.testsupport.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The tracker against the real MLflow server of infra/local/mlflow.sh, artifacts in its S3 store. */
class MlflowTrackerIT {
  private static final String FAKE_HF_TOKEN = "hf_" + UUID.randomUUID().toString().replace("-", "") + "abcdef";
  private static MlflowTracker tracker;
  private static String experimentId;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() throws Exception {
    URI uri = Services.mlflowUri();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HF_TOKEN", FAKE_HF_TOKEN); // as if the user had one: it must never reach MLflow
    tracker = new MlflowTracker(uri, env, null, "featmap-it");
    experimentId = tracker.experiment("featmap-it-" + UUID.randomUUID());
  }

  @AfterAll
  static void close() {
    if (tracker != null) tracker.close();
  }

  @Test
  void experimentIsFoundByName() throws Exception {
    String name = "featmap-it-exp-" + UUID.randomUUID();
    String id = tracker.experiment(name);
    assertEquals(id, tracker.experiment(name));
    assertNotEquals(experimentId, id);
  }

  @Test
  void parentAndChildRunsAreIdempotentByCellKey() throws Exception {
    String sweepKey = "sweep-" + UUID.randomUUID();
    String parent = tracker.run(experimentId, sweepKey, "sweep demo", null, Map.of("featmap.config", "demo.yaml"));
    String child = tracker.run(experimentId, sweepKey + "/cell-1", "cell 1", parent, Map.of());
    assertEquals(parent, tracker.run(experimentId, sweepKey, "sweep demo", null, Map.of()), "retried parent reuses its run");
    assertEquals(child, tracker.run(experimentId, sweepKey + "/cell-1", "cell 1", parent, Map.of()), "retried cell reuses its run");
    assertNotEquals(child, tracker.run(experimentId, sweepKey + "/cell-2", "cell 2", parent, Map.of()));

    Map<String, String> tags = tags(tracker.getRun(child));
    assertEquals(parent, tags.get("mlflow.parentRunId"));
    assertEquals("cell 1", tags.get("mlflow.runName"));
    assertEquals("featmap-it", tags.get("mlflow.source.name"));
    assertEquals(System.getProperty("user.name"), tags.get("mlflow.user"));
    assertEquals(sweepKey + "/cell-1", tags.get("featmap.cellKey"));
    assertEquals("demo.yaml", tags(tracker.getRun(parent)).get("featmap.config"));
    assertEquals(child, tracker.findRun(experimentId, sweepKey + "/cell-1"));
    assertEquals(experimentId, tracker.experimentOfRun(parent), "children are created in their parent's experiment");
  }

  @Test
  void moreThan100ParamsAreChunkedAndRelogIsIdempotent() throws Exception {
    String run = tracker.run(experimentId, "params-" + UUID.randomUUID(), "params", null, Map.of());
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < 250; i++) params.put("p" + i, "value-" + i);
    params.put("long", "x".repeat(MlflowTracker.MAX_PARAM_VALUE));
    tracker.logParams(run, params);
    tracker.logParams(run, params); // a retried activity logs the same values again
    JsonNode back = tracker.getRun(run).path("data").path("params");
    Map<String, String> got = new HashMap<>();
    back.forEach(p -> got.put(p.path("key").asText(), p.path("value").asText()));
    assertEquals(params, got);
    var tooLong = assertThrows(IllegalArgumentException.class, () -> tracker.logParams(run, Map.of("huge", "y".repeat(MlflowTracker.MAX_PARAM_VALUE + 1))));
    assertTrue(tooLong.getMessage().contains("huge"), tooLong.getMessage());
    assertThrows(MlflowApiException.class, () -> tracker.logParams(run, Map.of("p1", "changed")), "params are immutable");
  }

  @Test
  void metricsWithStepsReadBack() throws Exception {
    String run = tracker.run(experimentId, "metrics-" + UUID.randomUUID(), "metrics", null, Map.of());
    long now = System.currentTimeMillis();
    List<MlflowTracker.MetricPoint> points = new java.util.ArrayList<>();
    for (int epoch = 0; epoch < 1500; epoch++) points.add(new MlflowTracker.MetricPoint("train/loss", 1.0 / (epoch + 1), epoch, now));
    tracker.logMetrics(run, points); // two log-batch calls
    tracker.logMetric(run, "val_loss", 0.25, 7);
    tracker.logMetric(run, "val_loss", Double.NaN, 8);
    JsonNode history = tracker.metricHistory(run, "train/loss");
    assertEquals(1500, history.size());
    Map<Long, Double> byStep = new HashMap<>();
    history.forEach(m -> byStep.put(m.path("step").asLong(), m.path("value").asDouble()));
    for (int epoch = 0; epoch < 1500; epoch++) assertEquals(1.0 / (epoch + 1), byStep.get((long) epoch), 1e-12);
    JsonNode val = tracker.metricHistory(run, "val_loss");
    assertEquals(2, val.size());
    Map<Long, String> vals = new HashMap<>();
    val.forEach(m -> vals.put(m.path("step").asLong(), m.path("value").asText()));
    assertEquals("0.25", vals.get(7L));
    assertEquals("NaN", vals.get(8L));
  }

  @Test
  void artifactGoesToTheRunsS3LocationAndIsListedByMlflow() throws Exception {
    String run = tracker.run(experimentId, "artifacts-" + UUID.randomUUID(), "artifacts", null, Map.of());
    Path report = tmp.resolve("report.md");
    Files.writeString(report, "# FeatMap report\nloss 0.25\n");
    tracker.logArtifact(run, "reports", report);
    tracker.logArtifact(run, null, report);
    assertEquals(List.of("reports/report.md"), tracker.listArtifacts(run, "reports"));
    assertTrue(tracker.listArtifacts(run, null).contains("report.md"));

    String artifactUri = tracker.getRun(run).path("info").path("artifact_uri").asText();
    assertTrue(artifactUri.startsWith("s3://featmap-mlflow/"), artifactUri);
    String key = artifactUri.substring("s3://featmap-mlflow/".length()) + "/reports/report.md";
    try (S3Client raw = S3Clients.create(URI.create(System.getenv("MLFLOW_S3_ENDPOINT_URL")), "us-east-1", true)) {
      byte[] stored = raw.getObjectAsBytes(g -> g.bucket("featmap-mlflow").key(key)).asByteArray();
      assertArrayEquals(Files.readAllBytes(report), stored);
    }
    assertThrows(IllegalArgumentException.class, () -> tracker.logArtifact(run, "../escape", report));
  }

  @Test
  void secretsNeverReachTheServer() throws Exception {
    String run = tracker.run(experimentId, "secrets-" + UUID.randomUUID(), "secrets", null, Map.of());
    assertThrows(SecretLeakException.class, () -> tracker.logParams(run, Map.of("hf_token", "anything")));
    assertThrows(SecretLeakException.class, () -> tracker.logParams(run, Map.of("model_url", "https://x/?t=" + FAKE_HF_TOKEN)));
    assertThrows(SecretLeakException.class, () -> tracker.setTags(run, Map.of("AWS_SECRET_ACCESS_KEY", "v")));
    assertThrows(SecretLeakException.class, () -> tracker.run(experimentId, "secrets-2-" + UUID.randomUUID(), "s", null, Map.of("note", FAKE_HF_TOKEN)));
    String body = tracker.getRun(run).toString();
    assertFalse(body.contains(FAKE_HF_TOKEN));
    assertFalse(body.contains("hf_token"));
  }

  @Test
  void finishSetsTheStatus() throws Exception {
    String run = tracker.run(experimentId, "finish-" + UUID.randomUUID(), "finish", null, Map.of());
    tracker.finish(run, false);
    assertEquals("FAILED", tracker.getRun(run).path("info").path("status").asText());
    tracker.finish(run, true);
    assertEquals("FINISHED", tracker.getRun(run).path("info").path("status").asText());
  }

  private static Map<String, String> tags(JsonNode run) {
    Map<String, String> out = new HashMap<>();
    run.path("data").path("tags").forEach(t -> out.put(t.path("key").asText(), t.path("value").asText()));
    return out;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
