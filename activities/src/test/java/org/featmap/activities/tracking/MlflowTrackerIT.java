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
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The tracker (MLflow Java client) against the real MLflow server of infra/local/mlflow.sh, artifacts in its S3 store. */
class MlflowTrackerIT {
    private static final String FAKE_HF_TOKEN =
            "hf_" + UUID.randomUUID().toString().replace("-", "") + "abcdef";
    private static MlflowTracker tracker;
    private static String experimentId;

    @TempDir
    Path tmp;

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
    void experimentsAreTaggedToOpenOnTheirTrainingRunsInMlflow3() throws Exception {
        String name = "featmap-it-kind-" + UUID.randomUUID();
        String id = tracker.experiment(name);
        String body = http("/api/2.0/mlflow/experiments/get?experiment_id=" + id);
        assertTrue(body.contains("\"mlflow.experimentKind\"") && body.contains("\"custom_model_development\""), body);
    }

    @Test
    void runsAreFoundAgainByTheirIdentityTags() throws Exception {
        String exec = UUID.randomUUID().toString();
        String parent = tracker.run(
                experimentId, Map.of(Tracker.EXECUTION, exec), "sweep demo", Map.of("featmap.config", "demo.yaml"));
        String child = tracker.run(experimentId, NodeRuns.identity(parent, "cell-1"), "cell 1", Map.of());
        assertEquals(
                parent,
                tracker.run(experimentId, Map.of(Tracker.EXECUTION, exec), "sweep demo", Map.of()),
                "retried parent reuses its run");
        assertEquals(
                child,
                tracker.run(experimentId, NodeRuns.identity(parent, "cell-1"), "cell 1", Map.of()),
                "retried cell reuses its run");
        assertNotEquals(child, tracker.run(experimentId, NodeRuns.identity(parent, "cell-2"), "cell 2", Map.of()));
        String otherExecution = tracker.run(
                experimentId, Map.of(Tracker.EXECUTION, UUID.randomUUID().toString()), "sweep demo", Map.of());
        assertNotEquals(
                child,
                tracker.run(experimentId, NodeRuns.identity(otherExecution, "cell-1"), "cell 1", Map.of()),
                "the same cell in another execution is another run");

        Map<String, String> tags = tracker.getRun(child).tags();
        assertEquals(parent, tags.get("mlflow.parentRunId"));
        assertEquals("cell 1", tags.get("mlflow.runName"));
        assertEquals("featmap-it", tags.get("mlflow.source.name"));
        assertEquals("cell-1", tags.get("featmap.cellKey"));
        assertEquals("demo.yaml", tracker.getRun(parent).tags().get("featmap.config"));
        assertEquals(
                experimentId, tracker.experimentOfRun(parent), "children are created in their parent's experiment");
        assertEquals(
                2,
                tracker.findRuns(experimentId, Map.of(Tracker.PARENT, parent)).size());
    }

    @Test
    void moreThan100ParamsAreChunkedAndRelogIsIdempotent() throws Exception {
        String run = newRun("params");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) params.put("p" + i, "value-" + i);
        params.put("long", "x".repeat(MlflowTracker.MAX_PARAM_VALUE));
        tracker.logParams(run, params);
        tracker.logParams(run, params); // a retried activity logs the same values again
        assertEquals(params, tracker.getRun(run).params());
        var tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> tracker.logParams(run, Map.of("huge", "y".repeat(MlflowTracker.MAX_PARAM_VALUE + 1))));
        assertTrue(tooLong.getMessage().contains("huge"), tooLong.getMessage());
        assertThrows(
                MlflowApiException.class,
                () -> tracker.logParams(run, Map.of("p1", "changed")),
                "params are immutable");
    }

    @Test
    void metricsWithStepsReadBack() throws Exception {
        String run = newRun("metrics");
        long now = System.currentTimeMillis();
        List<Tracker.Metric> points = new java.util.ArrayList<>();
        for (int epoch = 0; epoch < 1500; epoch++)
            points.add(new Tracker.Metric("train/loss", 1.0 / (epoch + 1), epoch, now));
        tracker.logMetrics(run, points); // two log-batch calls
        tracker.logMetric(run, "val_loss", 0.25, 7);
        tracker.logMetric(run, "val_loss", Double.NaN, 8);
        List<Tracker.Metric> history = tracker.metricHistory(run, "train/loss");
        assertEquals(1500, history.size());
        Map<Long, Double> byStep = new HashMap<>();
        history.forEach(m -> byStep.put(m.step(), m.value()));
        for (int epoch = 0; epoch < 1500; epoch++) assertEquals(1.0 / (epoch + 1), byStep.get((long) epoch), 1e-12);
        List<Tracker.Metric> val = tracker.metricHistory(run, "val_loss");
        assertEquals(2, val.size());
        assertEquals(
                0.25,
                val.stream()
                        .filter(m -> m.step() == 7)
                        .findFirst()
                        .orElseThrow()
                        .value());
        assertTrue(Double.isNaN(val.stream()
                .filter(m -> m.step() == 8)
                .findFirst()
                .orElseThrow()
                .value()));
    }

    /**
     * A resumed attempt (here: another tracker, as on another host) that recomputes epochs 2-3 after a
     * crash finds the same run and does not log those steps twice.
     */
    @Test
    void aResumedAttemptOnAnotherHostFindsItsRunAndLogsEachStepOnce() throws Exception {
        String exec = UUID.randomUUID().toString();
        String parent = tracker.run(experimentId, Map.of(Tracker.EXECUTION, exec), "sweep", Map.of());
        String run = tracker.run(experimentId, NodeRuns.identity(parent, "train-1"), "train 1", Map.of());
        for (int e = 0; e < 4; e++) tracker.logMetrics(run, List.of(Tracker.Metric.now("val_loss", 1.0 / (e + 1), e)));
        tracker.finish(run, false); // the attempt died
        try (MlflowTracker other = new MlflowTracker(Services.mlflowUri(), System.getenv(), null, "featmap-it")) {
            String again = other.run(experimentId, NodeRuns.identity(parent, "train-1"), "train 1", Map.of());
            assertEquals(run, again);
            assertEquals("RUNNING", other.getRun(again).status());
            for (int e = 2; e < 6; e++)
                other.logMetrics(again, List.of(Tracker.Metric.now("val_loss", 1.0 / (e + 1), e)));
        }
        List<Long> steps = tracker.metricHistory(run, "val_loss").stream()
                .map(Tracker.Metric::step)
                .sorted()
                .toList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), steps, "every epoch once");
    }

    /** The UI's filter is runs/search: a param filter returns exactly the runs with those coordinates. */
    @Test
    void aParamFilterFindsExactlyTheCellsWithThoseCoordinates() throws Exception {
        String exp = tracker.experiment("featmap-it-filter-" + UUID.randomUUID());
        String parent =
                tracker.run(exp, Map.of(Tracker.EXECUTION, UUID.randomUUID().toString()), "sweep", Map.of());
        Map<String, String> expected = new HashMap<>();
        for (String model : List.of("linear", "transformer"))
            for (String layer : List.of("feat2", "feat3")) {
                String r =
                        tracker.run(exp, NodeRuns.identity(parent, model + "-" + layer), model + " " + layer, Map.of());
                tracker.logParams(r, Map.of("model", model, "layer", layer, "backbone", "convnext"));
                if (model.equals("linear") && layer.equals("feat3")) expected.put(r, model + " " + layer);
            }
        String body = http(
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\":[\"" + exp
                        + "\"],\"filter\":\"params.model = 'linear' and params.layer = 'feat3'\"}");
        JsonNode runs =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("runs");
        List<String> ids = new java.util.ArrayList<>();
        runs.forEach(r -> ids.add(r.path("info").path("run_id").asText()));
        assertEquals(List.copyOf(expected.keySet()), ids);
    }

    @Test
    void artifactGoesToTheRunsS3LocationAndIsListedByMlflow() throws Exception {
        String run = newRun("artifacts");
        Path report = tmp.resolve("report.md");
        Files.writeString(report, "# FeatMap report\nloss 0.25\n");
        tracker.logArtifact(run, "reports", report);
        tracker.logArtifact(run, null, report);
        assertEquals(List.of("reports/report.md"), tracker.listArtifacts(run, "reports"));
        assertTrue(tracker.listArtifacts(run, null).contains("report.md"));
        Path dir = Files.createDirectories(tmp.resolve("folder/sub"));
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(tmp.resolve("folder/index.html"), "<html></html>");
        tracker.logArtifacts(run, "report", tmp.resolve("folder"));
        assertEquals(
                List.of("report/index.html", "report/sub"),
                tracker.listArtifacts(run, "report").stream().sorted().toList());

        String artifactUri = http("/api/2.0/mlflow/runs/get?run_id=" + run);
        String root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(artifactUri)
                .path("run")
                .path("info")
                .path("artifact_uri")
                .asText();
        assertTrue(root.startsWith("s3://featmap-mlflow/"), root);
        String key = root.substring("s3://featmap-mlflow/".length()) + "/reports/report.md";
        try (S3Client raw = S3Clients.create(URI.create(System.getenv("MLFLOW_S3_ENDPOINT_URL")), "us-east-1", true)) {
            byte[] stored = raw.getObjectAsBytes(g -> g.bucket("featmap-mlflow").key(key))
                    .asByteArray();
            assertArrayEquals(Files.readAllBytes(report), stored);
        }
        assertThrows(IllegalArgumentException.class, () -> tracker.logArtifact(run, "../escape", report));
    }

    @Test
    void artifactStoreRefusingTheCredentialsIsNotRetried() throws Exception {
        String run = newRun("bad-credentials");
        Path file = Files.writeString(tmp.resolve("refused.txt"), "x");
        var wrong = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        System.getenv("AWS_ACCESS_KEY_ID"), "not-the-secret"));
        try (S3Client s3 = S3Clients.create(
                        URI.create(System.getenv("MLFLOW_S3_ENDPOINT_URL")), "us-east-1", true, wrong);
                MlflowTracker refused = new MlflowTracker(Services.mlflowUri(), System.getenv(), s3, "featmap-it")) {
            MlflowApiException e = assertThrows(MlflowApiException.class, () -> refused.logArtifact(run, null, file));
            assertEquals(403, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
            assertFalse(e.getMessage().contains("not-the-secret"), e.getMessage());
        }
    }

    @Test
    void secretsNeverReachTheServer() throws Exception {
        String run = newRun("secrets");
        assertThrows(SecretLeakException.class, () -> tracker.logParams(run, Map.of("hf_token", "anything")));
        assertThrows(
                SecretLeakException.class,
                () -> tracker.logParams(run, Map.of("model_url", "https://x/?t=" + FAKE_HF_TOKEN)));
        assertThrows(SecretLeakException.class, () -> tracker.setTags(run, Map.of("AWS_SECRET_ACCESS_KEY", "v")));
        assertThrows(
                SecretLeakException.class,
                () -> tracker.run(
                        experimentId,
                        Map.of(Tracker.CELL_KEY, "secrets-2-" + UUID.randomUUID()),
                        "s",
                        Map.of("note", FAKE_HF_TOKEN)));
        String body = http("/api/2.0/mlflow/runs/get?run_id=" + run);
        assertFalse(body.contains(FAKE_HF_TOKEN));
        assertFalse(body.contains("hf_token"));
    }

    @Test
    void finishSetsTheStatus() throws Exception {
        String run = newRun("finish");
        tracker.finish(run, false);
        assertEquals("FAILED", tracker.getRun(run).status());
        tracker.finish(run, true);
        assertEquals("FINISHED", tracker.getRun(run).status());
    }

    private static String newRun(String what) throws Exception {
        return tracker.run(experimentId, Map.of(Tracker.CELL_KEY, what + "-" + UUID.randomUUID()), what, Map.of());
    }

    /** The server's own answer, read past our client (what the UI reads). */
    private static String http(String path) throws Exception {
        return http(path, null);
    }

    private static String http(String path, String postJson) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(Services.mlflowUri().resolve(path));
        if (postJson != null)
            b.header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(postJson));
        var r = java.net.http.HttpClient.newHttpClient()
                .send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
