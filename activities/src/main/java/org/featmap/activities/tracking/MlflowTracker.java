package org.featmap.activities.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.featmap.activities.store.S3Clients;
import org.featmap.activities.store.StorePaths;
import org.featmap.activities.store.StoreUnavailableException;
import org.featmap.core.tracking.Tracker;
import org.mlflow.api.proto.Service;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link Tracker} on an MLflow tracking server through the MLflow Java client ({@code mlflow-client}):
 * experiments, runs, params, tags, batched metrics and search. Two things stay outside the client:
 * artifact upload (the client shells out to a Python {@code mlflow} for artifacts; here {@code s3://}
 * locations go through the S3 SDK, endpoint from {@code MLFLOW_S3_ENDPOINT_URL}, and
 * {@code mlflow-artifacts:/} through the server's artifact proxy with one hand-written PUT, {@link
 * #proxyUpload}), and the client's HTTP settings (timeouts, no retries of its own: {@link ClientSetup}).
 *
 * <p>Every call is retried with backoff inside the call for transient faults (connection refused or
 * reset, timeouts, 429, 5xx); when the fault outlasts the backoff it ends in {@link
 * TrackerUnavailableException}, which the activity retries. {@link MlflowApiException}, {@link
 * SecretLeakException} and IllegalArgumentException are not retryable.
 */
public final class MlflowTracker implements Tracker, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MlflowTracker.class);
    /** Server limits (mlflow/utils/validation.py): per log-batch call and per value. */
    static final int MAX_PARAMS_PER_BATCH = 100;

    static final int MAX_TAGS_PER_BATCH = 100;
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAM_VALUE = 6000;
    static final int MAX_TAG_VALUE = 8000;
    static final int MAX_KEY = 250;
    /** The experiment tag MLflow 3's UI reads to choose the experiment's page (server/js: "mlflow.experimentKind"). */
    static final String EXPERIMENT_KIND = "mlflow.experimentKind";
    /** Its value for classic training runs (the UI's CUSTOM_MODEL_DEVELOPMENT); without it MLflow 3 opens the GenAI overview. */
    static final String TRAINING_KIND = "custom_model_development";
    /** The UI's query parameter for its model-training pages (server/js: workflowType GENAI | MACHINE_LEARNING). */
    public static final String UI_TRAINING_VIEW = "workflowType=machine_learning";
    /** MLflow's own name rule: alphanumerics, underscores, dashes, periods, spaces, colons, slashes. */
    private static final Pattern NAME = Pattern.compile("[\\w.\\- :/]{1,250}");
    /** Values used in search filters (keys, run ids, execution ids): nothing that needs quoting. */
    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._:=/-]{1,250}");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How often and how long a call is retried inside itself before it gives up as unavailable. */
    public record Backoff(int attempts, Duration first, Duration max) {
        /** ~15 s of retrying: rides out a server restart's refused connections or a proxy's 502s. */
        public static final Backoff DEFAULT = new Backoff(6, Duration.ofMillis(500), Duration.ofSeconds(8));

        public static final Backoff NONE = new Backoff(1, Duration.ZERO, Duration.ZERO);
    }

    private final URI base;
    private final MlflowClient client;
    private final HttpClient http;
    private final SecretScrubber scrubber;
    private final Map<String, String> env;
    private final String sourceName;
    private final Backoff backoff;
    private final Map<String, String> artifactUris = new ConcurrentHashMap<>();
    /** Per run: the highest step logged for each metric (seeded from the server when a run is reused). */
    private final Map<String, Map<String, Long>> lastSteps = new ConcurrentHashMap<>();

    private volatile S3Client s3;
    private final boolean ownsS3;

    /**
     * @param trackingUri e.g. {@code http://127.0.0.1:5005}
     * @param env the environment (credentials for the server and S3 endpoint are read from it, never logged)
     * @param artifactS3 S3 client for {@code s3://} artifact locations, or null to build one from {@code env}
     * @param sourceName the {@code mlflow.source.name} tag, e.g. {@code featmap}
     */
    public MlflowTracker(URI trackingUri, Map<String, String> env, S3Client artifactS3, String sourceName) {
        this(trackingUri, env, artifactS3, sourceName, Backoff.DEFAULT);
    }

    public MlflowTracker(
            URI trackingUri, Map<String, String> env, S3Client artifactS3, String sourceName, Backoff backoff) {
        String u = trackingUri.toString();
        this.base = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())
                || base.getUserInfo() != null
                || base.getHost() == null) {
            throw new IllegalArgumentException("bad MLflow tracking URI '" + base.getScheme() + "://" + base.getHost()
                    + "...': allowed is http(s)://host:port without credentials (use MLFLOW_TRACKING_TOKEN)");
        }
        this.env = Map.copyOf(env);
        this.scrubber = new SecretScrubber(env);
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        BasicMlflowHostCreds creds = token != null && !token.isEmpty()
                ? new BasicMlflowHostCreds(base.toString(), token)
                : user != null && !user.isEmpty()
                        ? new BasicMlflowHostCreds(
                                base.toString(), user, env.getOrDefault("MLFLOW_TRACKING_PASSWORD", ""))
                        : new BasicMlflowHostCreds(base.toString());
        this.client = new MlflowClient(creds);
        ClientSetup.apply(client, creds, Duration.ofSeconds(5), Duration.ofSeconds(60));
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.s3 = artifactS3;
        this.ownsS3 = artifactS3 == null;
        this.sourceName = sourceName;
        this.backoff = backoff;
    }

    /** A tracker reading tokens and the S3 endpoint from the process environment. */
    public static MlflowTracker fromEnvironment(URI trackingUri) {
        return new MlflowTracker(trackingUri, System.getenv(), null, "featmap");
    }

    public URI trackingUri() {
        return base;
    }

    /**
     * One call, no retries, to tell up front whether the URI is an MLflow tracking server: throws
     * IllegalArgumentException with one line naming the URI and what was tried (bad input of {@code featmap run}).
     */
    public void checkServer() {
        String what = "GET " + base + "/api/2.0/mlflow/experiments/search?max_results=1";
        String body;
        try {
            body = client.sendGet("experiments/search?max_results=1");
        } catch (MlflowHttpException e) {
            throw new IllegalArgumentException(
                    "the MLflow URI " + base + " answered " + e.getStatusCode() + " to " + what
                            + (e.getStatusCode() == 401 || e.getStatusCode() == 403
                                    ? " (set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)"
                                    : ": not an MLflow tracking server (or not its root URI)"));
        } catch (MlflowClientException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("the MLflow URI " + base + " does not answer: " + what + " failed ("
                    + oneLine(c.getMessage() != null ? c.getMessage() : c.toString())
                    + "); start the server or fix --mlflow / MLFLOW_TRACKING_URI / tracking.mlflow");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) return;
        } catch (IOException notJson) {
            // fall through
        }
        throw new IllegalArgumentException(
                "the MLflow URI " + base + " answered " + what + " with something that is not MLflow's JSON ("
                        + oneLine(body.length() > 60 ? body.substring(0, 60) + "..." : body)
                        + "): not an MLflow tracking server");
    }

    @Override
    public String experiment(String name) throws IOException {
        checkName("experiment name", name);
        Experiment exp = call("get experiment '" + name + "'", () -> {
            Optional<Experiment> found = client.getExperimentByName(name);
            if (found.isPresent()) return found.get();
            try {
                return client.getExperiment(client.createExperiment(name));
            } catch (MlflowHttpException e) {
                if (!"RESOURCE_ALREADY_EXISTS".equals(errorCode(e))) throw e;
                return client.getExperimentByName(name).orElseThrow(() -> e); // lost a creation race
            }
        });
        if ("deleted".equals(exp.getLifecycleStage())) {
            throw new MlflowApiException(
                    "experiment '" + name + "'",
                    400,
                    "DELETED",
                    "the experiment is deleted; restore it in the MLflow UI or pick another name");
        }
        String id = exp.getExperimentId();
        if (exp.getTagsList().stream().noneMatch(t -> t.getKey().equals(EXPERIMENT_KIND))) {
            call("tag experiment " + id, () -> {
                client.setExperimentTag(id, EXPERIMENT_KIND, TRAINING_KIND);
                return null;
            });
        }
        return id;
    }

    @Override
    public String run(String experimentId, Map<String, String> identity, String runName, Map<String, String> tags)
            throws IOException {
        return findOrCreate(experimentId, identity, runName, tags, true);
    }

    /** Creates without the search on the first attempt; a retry still searches (its create's answer may have been lost). */
    @Override
    public String newRun(String experimentId, Map<String, String> identity, String runName, Map<String, String> tags)
            throws IOException {
        return findOrCreate(experimentId, identity, runName, tags, false);
    }

    private String findOrCreate(
            String experimentId,
            Map<String, String> identity,
            String runName,
            Map<String, String> tags,
            boolean searchFirst)
            throws IOException {
        if (identity.isEmpty()) throw new IllegalArgumentException("a run needs identity tags to be found again");
        identity.forEach((k, v) -> checkIdentity(k, v));
        Map<String, String> all = new LinkedHashMap<>(tags == null ? Map.of() : tags);
        all.putAll(identity);
        if (runName != null) all.put("mlflow.runName", runName);
        all.putIfAbsent("mlflow.source.name", sourceName);
        all.putIfAbsent("mlflow.source.type", "JOB");
        all.putIfAbsent("mlflow.user", System.getProperty("user.name", "featmap"));
        all.forEach(this::checkTag);
        String filter = filter(identity);
        // Find and create are one retried unit: a create whose answer was lost is found by the retry.
        java.util.concurrent.atomic.AtomicInteger attempt = new java.util.concurrent.atomic.AtomicInteger();
        return call("find or create run " + identity, () -> {
            List<Service.Run> found = searchFirst || attempt.getAndIncrement() > 0
                    ? client.searchRuns(
                                    List.of(experimentId),
                                    filter,
                                    ViewType.ACTIVE_ONLY,
                                    1,
                                    List.of("attributes.start_time ASC"))
                            .getItems()
                    : List.of();
            for (Service.Run r : found) {
                String id = r.getInfo().getRunId();
                client.sendPost(
                        "runs/update",
                        JSON.createObjectNode()
                                .put("run_id", id)
                                .put("status", "RUNNING")
                                .toString());
                Map<String, Long> steps = new HashMap<>();
                for (Service.Metric m : r.getData().getMetricsList()) steps.merge(m.getKey(), m.getStep(), Math::max);
                lastSteps.put(id, new ConcurrentHashMap<>(steps));
                artifactUris.put(id, r.getInfo().getArtifactUri());
                return id;
            }
            CreateRun.Builder req =
                    CreateRun.newBuilder().setExperimentId(experimentId).setStartTime(System.currentTimeMillis());
            if (runName != null) req.setRunName(runName);
            all.forEach((k, v) -> req.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
            Service.RunInfo info = client.createRun(req.build());
            lastSteps.put(info.getRunId(), new ConcurrentHashMap<>());
            artifactUris.put(info.getRunId(), info.getArtifactUri());
            return info.getRunId();
        });
    }

    @Override
    public List<RunView> findRuns(String experimentId, Map<String, String> tags) throws IOException {
        tags.forEach((k, v) -> {
            checkTag(k, v);
            if (v.contains("'") || v.contains("\\"))
                throw new IllegalArgumentException(
                        "tag value " + k + "='" + v + "' cannot be searched (quote or backslash)");
        });
        String filter = filter(tags);
        List<RunView> out = new ArrayList<>();
        Page<Service.Run> page = call(
                "search runs " + tags,
                () -> client.searchRuns(
                        List.of(experimentId),
                        filter,
                        ViewType.ACTIVE_ONLY,
                        1000,
                        List.of("attributes.start_time ASC")));
        while (true) {
            for (Service.Run r : page.getItems()) out.add(view(r));
            if (!page.hasNextPage()) return out;
            Page<Service.Run> p = page;
            page = call("search runs " + tags + " (next page)", p::getNextPage);
        }
    }

    /** The run tagged with this cellKey in the experiment (the oldest if a race made two), or null. */
    public String findRun(String experimentId, String cellKey) throws IOException {
        List<RunView> l = findRuns(experimentId, Map.of(CELL_KEY, cellKey));
        return l.isEmpty() ? null : l.get(0).runId();
    }

    @Override
    public RunView getRun(String runId) throws IOException {
        return view(call("get run " + runId, () -> client.getRun(runId)));
    }

    /** Params in log-batch calls of at most 100 (the server's limit). Re-logging an equal value is a no-op. */
    @Override
    public void logParams(String runId, Map<String, String> params) throws IOException {
        List<Param> all = checkedParams(params);
        for (int i = 0; i < all.size(); i += MAX_PARAMS_PER_BATCH) {
            List<Param> chunk = all.subList(i, Math.min(all.size(), i + MAX_PARAMS_PER_BATCH));
            call("log params of run " + runId, () -> {
                client.logBatch(runId, List.of(), chunk, List.of());
                return null;
            });
        }
    }

    /** One log-batch call when both fit in one request (the server's limits), else params then metrics. */
    @Override
    public void logBatch(String runId, Map<String, String> params, List<Metric> metrics) throws IOException {
        if (params.size() > MAX_PARAMS_PER_BATCH || params.size() + metrics.size() > MAX_METRICS_PER_BATCH) {
            Tracker.super.logBatch(runId, params, metrics);
            return;
        }
        List<Param> ps = checkedParams(params);
        for (Metric p : metrics) checkName("metric name", p.name());
        Map<String, Long> last = lastSteps(runId);
        Map<String, Long> newLast = new HashMap<>();
        List<Service.Metric> fresh = fresh(metrics, last, newLast);
        if (ps.isEmpty() && fresh.isEmpty()) return;
        call("log params and metrics of run " + runId, () -> {
            client.logBatch(runId, fresh, ps, List.of());
            return null;
        });
        newLast.forEach((k, v) -> last.merge(k, v, Math::max));
    }

    private List<Param> checkedParams(Map<String, String> params) {
        List<Param> all = new ArrayList<>();
        params.forEach((k, v) -> {
            checkName("param name", k);
            if (v == null) throw new IllegalArgumentException("param '" + k + "' has no value");
            if (v.length() > MAX_PARAM_VALUE) {
                throw new IllegalArgumentException(
                        "param '" + k + "' is " + v.length() + " characters long; MLflow allows " + MAX_PARAM_VALUE);
            }
            scrubber.check("param", k, v);
            all.add(Param.newBuilder().setKey(k).setValue(v).build());
        });
        return all;
    }

    /** Sets tags on an existing run (checked like params). */
    @Override
    public void setTags(String runId, Map<String, String> tags) throws IOException {
        tags.forEach(this::checkTag);
        List<RunTag> all = new ArrayList<>();
        tags.forEach((k, v) -> all.add(RunTag.newBuilder().setKey(k).setValue(v).build()));
        for (int i = 0; i < all.size(); i += MAX_TAGS_PER_BATCH) {
            List<RunTag> chunk = all.subList(i, Math.min(all.size(), i + MAX_TAGS_PER_BATCH));
            call("set tags of run " + runId, () -> {
                client.logBatch(runId, List.of(), List.of(), chunk);
                return null;
            });
        }
    }

    /**
     * Metrics in log-batch calls of at most 1000 (the server's limit). Points at or below the highest step
     * the run already has for that metric are dropped (a resumed attempt recomputing an epoch).
     */
    @Override
    public void logMetrics(String runId, List<Metric> points) throws IOException {
        for (Metric p : points) checkName("metric name", p.name());
        Map<String, Long> last = lastSteps(runId);
        Map<String, Long> newLast = new HashMap<>();
        List<Service.Metric> fresh = fresh(points, last, newLast);
        for (int i = 0; i < fresh.size(); i += MAX_METRICS_PER_BATCH) {
            List<Service.Metric> chunk = fresh.subList(i, Math.min(fresh.size(), i + MAX_METRICS_PER_BATCH));
            call("log metrics of run " + runId, () -> {
                client.logBatch(runId, chunk, List.of(), List.of());
                return null;
            });
        }
        newLast.forEach((k, v) -> last.merge(k, v, Math::max));
    }

    /** The points above the highest step the run has per metric ({@code last}); {@code newLast} collects the new highs. */
    private static List<Service.Metric> fresh(List<Metric> points, Map<String, Long> last, Map<String, Long> newLast) {
        List<Service.Metric> fresh = new ArrayList<>();
        for (Metric p : points) {
            long seen = Math.max(
                    last.getOrDefault(p.name(), Long.MIN_VALUE), newLast.getOrDefault(p.name(), Long.MIN_VALUE));
            if (p.step() <= seen) continue;
            newLast.put(p.name(), p.step());
            fresh.add(Service.Metric.newBuilder()
                    .setKey(p.name())
                    .setValue(p.value())
                    .setStep(p.step())
                    .setTimestamp(p.timestampMillis())
                    .build());
        }
        return fresh;
    }

    private Map<String, Long> lastSteps(String runId) throws IOException {
        Map<String, Long> known = lastSteps.get(runId);
        if (known != null) return known;
        Map<String, Long> steps = new ConcurrentHashMap<>();
        for (Metric m : getRun(runId).latestMetrics()) steps.merge(m.name(), m.step(), Math::max);
        Map<String, Long> prev = lastSteps.putIfAbsent(runId, steps);
        return prev != null ? prev : steps;
    }

    /**
     * Uploads a file to {@code <run artifact location>/<artifactPath>/<file name>} (as MLflow's
     * log_artifact does); {@code artifactPath} may be null or empty for the root.
     */
    @Override
    public void logArtifact(String runId, String artifactPath, Path file) throws IOException {
        String name = StorePaths.checkRelative(file.getFileName().toString());
        String rel = artifactPath == null || artifactPath.isEmpty()
                ? name
                : StorePaths.checkRelative(artifactPath) + "/" + name;
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
                if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e
                        && s3e.statusCode() == 403) // bad credentials: no retry fixes them
                throw MlflowApiException.artifactStoreRefused(
                            "upload artifact s3://" + bucket + "/" + key,
                            403,
                            s3e.awsErrorDetails() == null
                                    ? "AccessDenied"
                                    : s3e.awsErrorDetails().errorCode());
                IOException io = S3Clients.translate("upload artifact s3://" + bucket + "/" + key, e);
                throw io instanceof StoreUnavailableException
                        ? new TrackerUnavailableException(io.getMessage(), e)
                        : io;
            }
        } else if (root.startsWith("mlflow-artifacts:")) {
            String path = root.substring("mlflow-artifacts:".length()).replaceFirst("^/+", "");
            call(
                    "upload artifact " + rel,
                    () -> proxyUpload(
                            URI.create(base + "/api/2.0/mlflow-artifacts/artifacts/" + path + "/" + rel), file));
        } else {
            throw new MlflowApiException(
                    "upload artifact " + rel,
                    400,
                    "UNSUPPORTED_ARTIFACT_LOCATION",
                    "run " + runId + " stores artifacts at '" + root + "'; supported are s3:// and mlflow-artifacts:/");
        }
    }

    /**
     * By hand, because the client has no such call: PUT of one file to the server's artifact proxy
     * ({@code mlflow-artifacts}). Errors are mapped as the client's are, so {@link #call} retries them.
     */
    private Void proxyUpload(URI target, Path file) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(300));
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        if (token != null && !token.isEmpty()) b.header("Authorization", "Bearer " + token);
        else if (user != null && !user.isEmpty())
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + env.getOrDefault("MLFLOW_TRACKING_PASSWORD", ""))
                                            .getBytes(StandardCharsets.UTF_8)));
        try {
            HttpResponse<String> r = http.send(
                    b.PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new MlflowHttpException(r.statusCode(), "artifact upload", r.body());
            return null;
        } catch (IOException e) {
            throw new MlflowClientException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowClientException(new java.io.InterruptedIOException("artifact upload interrupted"));
        }
    }

    /** Paths of the run's artifacts directly under {@code path} (null for the root), as the MLflow API lists them. */
    public List<String> listArtifacts(String runId, String path) throws IOException {
        // artifacts/list through the client's own HTTP: its listArtifacts would shell out to Python.
        String q = "artifacts/list?run_id=" + enc(runId) + (path == null ? "" : "&path=" + enc(path));
        JsonNode n = JSON.readTree(call("list artifacts of run " + runId, () -> client.sendGet(q)));
        List<String> out = new ArrayList<>();
        for (JsonNode f : n.path("files")) out.add(f.path("path").asText());
        return out;
    }

    /** All values of one metric of a run, in the server's order ({@code metrics/get-history}). */
    public List<Metric> metricHistory(String runId, String name) throws IOException {
        List<Metric> out = new ArrayList<>();
        for (Service.Metric m : call("metric history of run " + runId, () -> client.getMetricHistory(runId, name)))
            out.add(new Metric(m.getKey(), m.getValue(), m.getStep(), m.getTimestamp()));
        return out;
    }

    @Override
    public void deleteRun(String runId) throws IOException {
        call("delete run " + runId, () -> {
            client.deleteRun(runId);
            return null;
        });
        lastSteps.remove(runId);
    }

    @Override
    public void finish(String runId, boolean success) throws IOException {
        call("finish run " + runId, () -> {
            client.setTerminated(runId, success ? RunStatus.FINISHED : RunStatus.FAILED, System.currentTimeMillis());
            return null;
        });
    }

    @Override
    public String runUrl(String experimentId, String runId) {
        // MLflow 3.17's UI picks its "GenAI" or "Model training" pages from this parameter (then from the
        // browser's last choice), not from the experiment's kind tag: links open on the training view.
        return base + "/#/experiments/" + experimentId + "/runs/" + runId + "?" + UI_TRAINING_VIEW;
    }

    @Override
    public void close() {
        client.close();
        if (ownsS3 && s3 != null) s3.close();
    }

    // ---- helpers

    /** A call of the client, retried with backoff while the fault is transient. */
    private <T> T call(String what, ClientCall<T> c) throws IOException {
        long delay = backoff.first().toMillis();
        for (int attempt = 1; ; attempt++) {
            IOException failure;
            try {
                return c.call();
            } catch (MlflowHttpException e) {
                failure = translate(what, e);
            } catch (MlflowClientException e) {
                // no HTTP answer: connection refused or reset, timeout, or an answer that is not MLflow's JSON
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                failure = cause instanceof IOException && !(cause instanceof InvalidProtocolBufferException)
                        ? new TrackerUnavailableException(
                                what + ": MLflow at " + base + " unreachable: " + oneLine(cause), e)
                        : new MlflowApiException(
                                what,
                                0,
                                "BAD_RESPONSE",
                                "MLflow at " + base + " gave an answer the client could not read: " + oneLine(cause));
            }
            if (!(failure instanceof TrackerUnavailableException) || attempt >= backoff.attempts()) throw failure;
            LOG.info(
                    "{}; retrying in {} ms (attempt {}/{})",
                    failure.getMessage(),
                    delay,
                    attempt + 1,
                    backoff.attempts());
            try {
                Thread.sleep(delay);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException(what + ": interrupted while waiting to retry");
            }
            delay = Math.min(backoff.max().toMillis(), Math.max(1, delay * 2));
        }
    }

    @FunctionalInterface
    private interface ClientCall<T> {
        T call() throws IOException;
    }

    private IOException translate(String what, MlflowHttpException e) {
        int status = e.getStatusCode();
        String code = errorCode(e);
        String message = message(e);
        if (status == 429 || (status >= 500 && status != 501)) {
            return new TrackerUnavailableException(
                    what + ": MLflow answered " + status + " " + code + ": " + message, e);
        }
        return new MlflowApiException(what, status, code, message);
    }

    private static String errorCode(MlflowHttpException e) {
        try {
            return JSON.readTree(e.getBodyMessage() == null ? "" : e.getBodyMessage())
                    .path("error_code")
                    .asText("");
        } catch (IOException notJson) {
            return "";
        }
    }

    private static String message(MlflowHttpException e) {
        String body = e.getBodyMessage() == null ? e.getReasonPhrase() : e.getBodyMessage();
        try {
            JsonNode err = JSON.readTree(body);
            if (err != null && err.has("message")) body = err.path("message").asText();
        } catch (IOException notJson) {
            // an HTML error page from a proxy: keep its text
        }
        String m = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private static String oneLine(Object o) {
        return String.valueOf(o).replaceAll("\\s+", " ").trim();
    }

    private static String filter(Map<String, String> tags) {
        StringBuilder f = new StringBuilder();
        tags.forEach((k, v) -> f.append(f.length() == 0 ? "" : " and ")
                .append("tags.`")
                .append(k)
                .append("` = '")
                .append(v)
                .append('\''));
        return f.toString();
    }

    private static RunView view(Service.Run r) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (RunTag t : r.getData().getTagsList()) tags.put(t.getKey(), t.getValue());
        Map<String, String> params = new LinkedHashMap<>();
        for (Param p : r.getData().getParamsList()) params.put(p.getKey(), p.getValue());
        List<Metric> metrics = new ArrayList<>();
        for (Service.Metric m : r.getData().getMetricsList())
            metrics.add(new Metric(m.getKey(), m.getValue(), m.getStep(), m.getTimestamp()));
        return new RunView(
                r.getInfo().getRunId(),
                r.getInfo().getExperimentId(),
                r.getInfo().getStatus().name(),
                tags,
                params,
                metrics);
    }

    private void checkIdentity(String k, String v) {
        checkTag(k, v);
        if (!IDENTITY.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    "bad value '" + v + "' of identity tag " + k + ": allowed is [A-Za-z0-9._:=/-]{1,250}");
        }
    }

    private void checkTag(String k, String v) {
        if (k == null || k.length() > MAX_KEY || !NAME.matcher(k).matches()) {
            throw new IllegalArgumentException(
                    "bad tag name '" + k + "': allowed are 1-250 of letters, digits, _ - . space : /");
        }
        if (v == null || v.length() > MAX_TAG_VALUE) {
            throw new IllegalArgumentException("tag '" + k + "' value is "
                    + (v == null ? "missing" : v.length() + " characters long; MLflow allows " + MAX_TAG_VALUE));
        }
        scrubber.check("tag", k, v);
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..") || name.startsWith("/")) {
            throw new IllegalArgumentException("bad " + what + " '" + name
                    + "': allowed are 1-250 of letters, digits, _ - . space : / (no '..', not starting with /)");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String artifactUri(String runId) throws IOException {
        String known = artifactUris.get(runId);
        if (known != null && !known.isEmpty()) return known;
        String uri =
                call("get run " + runId, () -> client.getRun(runId)).getInfo().getArtifactUri();
        artifactUris.put(runId, uri);
        return uri;
    }

    private S3Client s3() {
        if (s3 == null) {
            synchronized (this) {
                if (s3 == null) {
                    String endpoint = env.get("MLFLOW_S3_ENDPOINT_URL");
                    String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
                    s3 = S3Clients.create(
                            endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
                            region,
                            endpoint != null);
                }
            }
        }
        return s3;
    }
}
