package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads an experiment's runs back through the MLflow REST API (what the UI shows comes from here). */
final class MlflowRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    MlflowRuns(URI base) {
        this.base = base;
    }

    /** The experiment's id, or null. */
    String experimentId(String name) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/api/2.0/mlflow/experiments/get-by-name?experiment_name="
                                + URLEncoder.encode(name, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) return null;
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("experiment").path("experiment_id").asText();
    }

    /** Every run of the experiment (active and deleted are both counted: a duplicate is a duplicate). */
    List<JsonNode> runs(String experimentId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String token = null;
        do {
            var req = JSON.createObjectNode().put("max_results", 1000).put("run_view_type", "ALL");
            req.putArray("experiment_ids").add(experimentId);
            if (token != null) req.put("page_token", token);
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/2.0/mlflow/runs/search"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(req.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            body.path("runs").forEach(out::add);
            token = body.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return out;
    }

    /** A metric's history: step -> every value logged at that step, in the server's order. */
    Map<Long, List<Double>> history(String runId, String key) throws Exception {
        Map<Long, List<Double>> out = new TreeMap<>();
        String token = null;
        do {
            String q = "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key="
                    + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&max_results=25000"
                    + (token == null ? "" : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpResponse<String> r =
                    http.send(HttpRequest.newBuilder(base.resolve(q)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            body.path("metrics")
                    .forEach(m -> out.computeIfAbsent(m.path("step").asLong(), s -> new ArrayList<>())
                            .add(m.path("value").asDouble()));
            token = body.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return out;
    }

    /** Paths of a run's artifacts directly under {@code path} (null: the root), as the UI lists them. */
    List<String> artifacts(String runId, String path) throws Exception {
        String q = "/api/2.0/mlflow/artifacts/list?run_id=" + runId
                + (path == null ? "" : "&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(base.resolve(q)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body())
                .path("files")
                .forEach(f -> out.add(f.path("path").asText()));
        return out;
    }

    static String tag(JsonNode run, String key) {
        for (JsonNode t : run.path("data").path("tags"))
            if (key.equals(t.path("key").asText())) return t.path("value").asText();
        return null;
    }

    static List<String> metricKeys(JsonNode run) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : run.path("data").path("metrics"))
            out.add(m.path("key").asText());
        return out;
    }

    static String id(JsonNode run) {
        return run.path("info").path("run_id").asText();
    }
}
