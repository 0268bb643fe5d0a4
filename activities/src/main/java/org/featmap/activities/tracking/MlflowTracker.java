package org.featmap.activities.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.featmap.activities.store.S3Clients;
import org.featmap.activities.store.StorePaths;
import org.featmap.activities.store.StoreUnavailableException;
import org.featmap.core.tracking.Tracker;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link Tracker} on an MLflow tracking server's REST API (2.0), spoken with java.net.http + Jackson.
 * Not mlflow-client's MlflowClient: that client reaches artifacts by shelling out to Python
 * (ARCHITECTURE "Tracking"), does not tell a dead server from a refused request, and drags in its own
 * HTTP and protobuf stacks; the REST calls needed here are few and stable across MLflow 2.x and 3.x.
 *
 * <p>Runs are found again by their {@code featmap.cellKey} tag, so a retried activity reuses its run.
 * Artifacts go straight to the run's artifact location: {@code s3://} through the S3 SDK (endpoint
 * from {@code MLFLOW_S3_ENDPOINT_URL}), {@code mlflow-artifacts:/} through the server's artifact proxy.
 * Errors: {@link TrackerUnavailableException} is retryable; {@link MlflowApiException},
 * {@link SecretLeakException} and IllegalArgumentException are not.
 */
public final class MlflowTracker implements Tracker, AutoCloseable {
  /** Server limits (mlflow/utils/validation.py): per log-batch call and per value. */
  static final int MAX_PARAMS_PER_BATCH = 100;
  static final int MAX_METRICS_PER_BATCH = 1000;
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 8000;
  static final int MAX_KEY = 250;
  /** MLflow's own name rule: alphanumerics, underscores, dashes, periods, spaces, colons, slashes. */
  private static final Pattern NAME = Pattern.compile("[\\w.\\- :/]{1,250}");
  private static final Pattern CELL_KEY = Pattern.compile("[A-Za-z0-9._:=/-]{1,250}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final SecretScrubber scrubber;
  private final Map<String, String> env;
  private final String sourceName;
  private final Map<String, String> artifactUris = new ConcurrentHashMap<>();
  private volatile S3Client s3;
  private final boolean ownsS3;

  /**
   * @param trackingUri e.g. {@code http://127.0.0.1:5005}
   * @param env the environment (credentials for the server and S3 endpoint are read from it, never logged)
   * @param artifactS3 S3 client for {@code s3://} artifact locations, or null to build one from {@code env}
   * @param sourceName the {@code mlflow.source.name} tag, e.g. {@code featmap}
   */
  public MlflowTracker(URI trackingUri, Map<String, String> env, S3Client artifactS3, String sourceName) {
    String u = trackingUri.toString();
    this.base = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "bad MLflow tracking URI '" + base.getScheme() + "://" + base.getHost() + "...': allowed is http(s)://host:port without credentials (use MLFLOW_TRACKING_TOKEN)");
    }
    this.env = Map.copyOf(env);
    this.scrubber = new SecretScrubber(env);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.s3 = artifactS3;
    this.ownsS3 = artifactS3 == null;
    this.sourceName = sourceName;
  }

  /** A tracker reading tokens and the S3 endpoint from the process environment. */
  public static MlflowTracker fromEnvironment(URI trackingUri) {
    return new MlflowTracker(trackingUri, System.getenv(), null, "featmap");
  }

  public URI trackingUri() {
    return base;
  }

  @Override
  public String experiment(String name) throws IOException {
    checkName("experiment name", name);
    JsonNode found = getOrNull("experiments/get-by-name", Map.of("experiment_name", name));
    if (found == null) {
      try {
        return post("experiments/create", JSON.createObjectNode().put("name", name)).path("experiment_id").asText();
      } catch (MlflowApiException e) {
        if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) throw e;
        found = getOrNull("experiments/get-by-name", Map.of("experiment_name", name)); // lost a creation race
        if (found == null) throw e;
      }
    }
    JsonNode exp = found.path("experiment");
    if ("deleted".equals(exp.path("lifecycle_stage").asText())) {
      throw new MlflowApiException("experiment '" + name + "'", 400, "DELETED", "the experiment is deleted; restore it in the MLflow UI or pick another name");
    }
    return exp.path("experiment_id").asText();
  }

  @Override
  public String run(String experimentId, String cellKey, String runName, String parentRunId, Map<String, String> tags)
      throws IOException {
    if (cellKey == null || !CELL_KEY.matcher(cellKey).matches()) {
      throw new IllegalArgumentException("bad cellKey '" + cellKey + "': allowed is [A-Za-z0-9._:=/-]{1,250}");
    }
    Map<String, String> all = new LinkedHashMap<>(tags == null ? Map.of() : tags);
    all.put("featmap.cellKey", cellKey);
    if (runName != null) all.put("mlflow.runName", runName);
    if (parentRunId != null) all.put("mlflow.parentRunId", parentRunId);
    all.putIfAbsent("mlflow.source.name", sourceName);
    all.putIfAbsent("mlflow.source.type", "JOB");
    all.putIfAbsent("mlflow.user", System.getProperty("user.name", "featmap"));
    all.forEach((k, v) -> checkTag(k, v));

    String existing = findRun(experimentId, cellKey);
    if (existing != null) {
      // A retried activity: reuse the run, mark it running again (a failed attempt may have finished it).
      post("runs/update", JSON.createObjectNode().put("run_id", existing).put("status", "RUNNING"));
      return existing;
    }
    ObjectNode req = JSON.createObjectNode().put("experiment_id", experimentId).put("start_time", System.currentTimeMillis());
    if (runName != null) req.put("run_name", runName);
    ArrayNode t = req.putArray("tags");
    all.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    JsonNode info = post("runs/create", req).path("run").path("info");
    String runId = info.path("run_id").asText();
    artifactUris.put(runId, info.path("artifact_uri").asText());
    return runId;
  }

  /** The run tagged with this cellKey in the experiment (the oldest if a race made two), or null. */
  public String findRun(String experimentId, String cellKey) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.putArray("experiment_ids").add(experimentId);
    req.put("filter", "tags.`featmap.cellKey` = '" + cellKey + "'");
    req.put("run_view_type", "ACTIVE_ONLY");
    req.put("max_results", 1);
    req.putArray("order_by").add("attributes.start_time ASC");
    JsonNode runs = post("runs/search", req).path("runs");
    return runs.isArray() && !runs.isEmpty() ? runs.get(0).path("info").path("run_id").asText() : null;
  }

  /** Params in log-batch calls of at most 100 (the server's limit). Re-logging an equal value is a no-op. */
  @Override
  public void logParams(String runId, Map<String, String> params) throws IOException {
    params.forEach(
        (k, v) -> {
          checkName("param name", k);
          if (v == null) throw new IllegalArgumentException("param '" + k + "' has no value");
          if (v.length() > MAX_PARAM_VALUE) {
            throw new IllegalArgumentException("param '" + k + "' is " + v.length() + " characters long; MLflow allows " + MAX_PARAM_VALUE);
          }
          scrubber.check("param", k, v);
        });
    List<Map.Entry<String, String>> entries = new ArrayList<>(params.entrySet());
    for (int i = 0; i < entries.size(); i += MAX_PARAMS_PER_BATCH) {
      ObjectNode req = JSON.createObjectNode().put("run_id", runId);
      ArrayNode arr = req.putArray("params");
      for (var e : entries.subList(i, Math.min(entries.size(), i + MAX_PARAMS_PER_BATCH))) {
        arr.addObject().put("key", e.getKey()).put("value", e.getValue());
      }
      post("runs/log-batch", req);
    }
  }

  /** Sets tags on an existing run (checked like params). */
  public void setTags(String runId, Map<String, String> tags) throws IOException {
    tags.forEach(this::checkTag);
    List<Map.Entry<String, String>> entries = new ArrayList<>(tags.entrySet());
    for (int i = 0; i < entries.size(); i += 100) {
      ObjectNode req = JSON.createObjectNode().put("run_id", runId);
      ArrayNode arr = req.putArray("tags");
      for (var e : entries.subList(i, Math.min(entries.size(), i + 100))) arr.addObject().put("key", e.getKey()).put("value", e.getValue());
      post("runs/log-batch", req);
    }
  }

  @Override
  public void logMetric(String runId, String name, double value, long step) throws IOException {
    logMetrics(runId, List.of(new MetricPoint(name, value, step, System.currentTimeMillis())));
  }

  /** One metric value at one step. NaN and infinities are sent as MLflow expects ("NaN", "Infinity"). */
  public record MetricPoint(String name, double value, long step, long timestampMillis) {}

  /** Metrics in log-batch calls of at most 1000 (the server's limit). */
  public void logMetrics(String runId, List<MetricPoint> points) throws IOException {
    for (MetricPoint p : points) checkName("metric name", p.name());
    for (int i = 0; i < points.size(); i += MAX_METRICS_PER_BATCH) {
      ObjectNode req = JSON.createObjectNode().put("run_id", runId);
      ArrayNode arr = req.putArray("metrics");
      for (MetricPoint p : points.subList(i, Math.min(points.size(), i + MAX_METRICS_PER_BATCH))) {
        arr.addObject().put("key", p.name()).put("value", p.value()).put("timestamp", p.timestampMillis()).put("step", p.step());
      }
      post("runs/log-batch", req);
    }
  }

  /**
   * Uploads a file to {@code <run artifact location>/<artifactPath>/<file name>} (as MLflow's
   * log_artifact does); {@code artifactPath} may be null or empty for the root.
   */
  @Override
  public void logArtifact(String runId, String artifactPath, Path file) throws IOException {
    String name = StorePaths.checkRelative(file.getFileName().toString());
    String rel = artifactPath == null || artifactPath.isEmpty() ? name : StorePaths.checkRelative(artifactPath) + "/" + name;
    String root = artifactUri(runId);
    if (root.startsWith("s3://")) {
      String rest = root.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      String key = prefix.isEmpty() ? rel : (prefix.endsWith("/") ? prefix : prefix + "/") + rel;
      try {
        s3().putObject(p -> p.bucket(bucket).key(key), RequestBody.fromFile(file));
      } catch (SdkException e) {
        IOException io = S3Clients.translate("upload artifact s3://" + bucket + "/" + key, e);
        throw io instanceof StoreUnavailableException ? new TrackerUnavailableException(io.getMessage(), e) : io;
      }
    } else if (root.startsWith("mlflow-artifacts:")) {
      String path = root.substring("mlflow-artifacts:".length()).replaceFirst("^/+", "");
      URI target = base.resolve("/api/2.0/mlflow-artifacts/artifacts/" + path + "/" + rel);
      send("upload artifact " + rel, request(target).PUT(HttpRequest.BodyPublishers.ofFile(file)).build());
    } else {
      throw new MlflowApiException("upload artifact " + rel, 400, "UNSUPPORTED_ARTIFACT_LOCATION",
          "run " + runId + " stores artifacts at '" + root + "'; supported are s3:// and mlflow-artifacts:/");
    }
  }

  /** Paths of the run's artifacts directly under {@code path} (null for the root), as the MLflow API lists them. */
  public List<String> listArtifacts(String runId, String path) throws IOException {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("run_id", runId);
    if (path != null) q.put("path", path);
    List<String> out = new ArrayList<>();
    for (JsonNode f : get("artifacts/list", q).path("files")) out.add(f.path("path").asText());
    return out;
  }

  @Override
  public String experimentOfRun(String runId) throws IOException {
    String id = getRun(runId).path("info").path("experiment_id").asText("");
    if (id.isEmpty()) throw new IOException("MLflow run " + runId + " has no experiment_id");
    return id;
  }

  /** The run as the server returns it ({@code runs/get}), for status displays and tests. */
  public JsonNode getRun(String runId) throws IOException {
    return get("runs/get", Map.of("run_id", runId)).path("run");
  }

  /** All values of one metric of a run, in step order ({@code metrics/get-history}). */
  public JsonNode metricHistory(String runId, String name) throws IOException {
    return get("metrics/get-history", Map.of("run_id", runId, "metric_key", name)).path("metrics");
  }

  @Override
  public void finish(String runId, boolean success) throws IOException {
    post("runs/update", JSON.createObjectNode().put("run_id", runId).put("status", success ? "FINISHED" : "FAILED").put("end_time", System.currentTimeMillis()));
  }

  @Override
  public void close() {
    if (ownsS3 && s3 != null) s3.close();
  }

  // ---- helpers

  private void checkTag(String k, String v) {
    if (k == null || k.length() > MAX_KEY || !NAME.matcher(k).matches()) {
      throw new IllegalArgumentException("bad tag name '" + k + "': allowed are 1-250 of letters, digits, _ - . space : /");
    }
    if (v == null || v.length() > MAX_TAG_VALUE) {
      throw new IllegalArgumentException("tag '" + k + "' value is " + (v == null ? "missing" : v.length() + " characters long; MLflow allows " + MAX_TAG_VALUE));
    }
    scrubber.check("tag", k, v);
  }

  private static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..") || name.startsWith("/")) {
      throw new IllegalArgumentException(
          "bad " + what + " '" + name + "': allowed are 1-250 of letters, digits, _ - . space : / (no '..', not starting with /)");
    }
  }

  private String artifactUri(String runId) throws IOException {
    String known = artifactUris.get(runId);
    if (known != null && !known.isEmpty()) return known;
    String uri = getRun(runId).path("info").path("artifact_uri").asText();
    artifactUris.put(runId, uri);
    return uri;
  }

  private S3Client s3() {
    if (s3 == null) {
      synchronized (this) {
        if (s3 == null) {
          String endpoint = env.get("MLFLOW_S3_ENDPOINT_URL");
          String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
          s3 = S3Clients.create(endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint), region, endpoint != null);
        }
      }
    }
    return s3;
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
    String token = env.get("MLFLOW_TRACKING_TOKEN");
    String user = env.get("MLFLOW_TRACKING_USERNAME");
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    } else if (user != null && !user.isEmpty()) {
      String pw = env.getOrDefault("MLFLOW_TRACKING_PASSWORD", "");
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  private JsonNode post(String endpoint, JsonNode body) throws IOException {
    URI uri = base.resolve("/api/2.0/mlflow/" + endpoint);
    return send(endpoint, request(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build());
  }

  private JsonNode get(String endpoint, Map<String, String> query) throws IOException {
    return send(endpoint, request(uri(endpoint, query)).GET().build());
  }

  /** GET that maps 404 RESOURCE_DOES_NOT_EXIST to null. */
  private JsonNode getOrNull(String endpoint, Map<String, String> query) throws IOException {
    try {
      return get(endpoint, query);
    } catch (MlflowApiException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) return null;
      throw e;
    }
  }

  private URI uri(String endpoint, Map<String, String> query) {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return base.resolve("/api/2.0/mlflow/" + endpoint + q);
  }

  private JsonNode send(String what, HttpRequest req) throws IOException {
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new TrackerUnavailableException(what + ": MLflow at " + base + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(what + ": interrupted");
    }
    int status = resp.statusCode();
    byte[] body = resp.body();
    if (status / 100 == 2) return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    String code = "";
    String message = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode err = JSON.readTree(body);
      code = err.path("error_code").asText("");
      if (err.has("message")) message = err.path("message").asText();
    } catch (IOException notJson) {
      // an HTML error page from a proxy: keep its text
    }
    message = message.replaceAll("\\s+", " ").trim();
    if (message.length() > 300) message = message.substring(0, 300) + "...";
    if (status == 429 || (status >= 500 && status != 501)) {
      throw new TrackerUnavailableException(what + ": MLflow answered " + status + " " + code + ": " + message, null);
    }
    throw new MlflowApiException(what, status, code, message);
  }
}
