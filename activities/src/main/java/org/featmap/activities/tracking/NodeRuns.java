package org.featmap.activities.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.tracking.Tracker;
import org.featmap.core.tracking.Tracker.Metric;
import org.featmap.core.tracking.Tracker.RunView;

/**
 * The tracking run of one node in one execution of a sweep (ARCHITECTURE "Tracking"): a child of the
 * execution's sweep run, found again by (parent run, content key) so retries, crashes and resumes on
 * another host reuse it; its params are the node's canonical params in the config's vocabulary, so
 * every stage's runs can be filtered and compared on the same coordinates (dataset, group, source,
 * backbone, layer, manipulation, model, apply_transform, normalized) and on the stage's settings under
 * the config's key names ({@code learning_rate}, not {@code training.learningRate}).
 */
public final class NodeRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PARAM_VALUE = 6000;
    /** Tag of a node run: the store its outputs are in (a cached node links to the run that computed that store's copy). */
    public static final String STORE = "featmap.store";

    private NodeRuns() {}

    /** The identity of a node's run within the execution whose sweep run is {@code sweepRunId}. */
    public static Map<String, String> identity(String sweepRunId, String key) {
        Map<String, String> id = new LinkedHashMap<>();
        id.put(Tracker.PARENT, sweepRunId);
        id.put(Tracker.CELL_KEY, key);
        return id;
    }

    /**
     * Finds or creates the run of a node that this attempt computes, with its params. A run that this
     * execution had recorded as cached (the node's outputs were found corrupt since) is replaced.
     */
    public static String open(Tracker t, NodeTask task) throws IOException {
        RunView sweep = t.getRun(task.sweepRunId());
        String exp = sweep.experimentId();
        for (RunView r : t.findRuns(exp, identity(task.sweepRunId(), task.key())))
            if ("true".equals(r.tags().get(Tracker.CACHED))) t.deleteRun(r.runId());
        String run = t.run(exp, identity(task.sweepRunId(), task.key()), task.nodeId(), tags(task, sweep, false));
        t.logParams(run, params(task.stage(), task.paramsJson()));
        return run;
    }

    /**
     * Records a node that this execution found already computed: a run tagged {@code featmap.cached},
     * with the node's params, the latest metric values of the run that computed it and a link to that
     * run ({@code featmap.computedBy} and the run's description), so the sweep run lists the whole grid.
     * Nothing happens when the execution already has a run for the node.
     *
     * @return the run id
     */
    public static String recordCached(Tracker t, NodeTask task) throws IOException {
        RunView sweep = t.getRun(task.sweepRunId());
        List<RunView> mine = t.findRuns(sweep.experimentId(), identity(task.sweepRunId(), task.key()));
        if (!mine.isEmpty()) return mine.get(0).runId();
        return recordCached(t, sweep, task, latestComputing(t, sweep.experimentId(), task.key(), task.storeUri()));
    }

    /**
     * The same for many nodes at once (the cached nodes of a new execution): two searches, then three
     * calls per node that has no run in this execution yet (create, log-batch, finish).
     */
    public static int recordCached(Tracker t, List<NodeTask> tasks) throws IOException {
        return recordCached(t, tasks, done -> {});
    }

    /** The same, telling {@code progress} how many nodes are recorded so far (the activity's heartbeat). */
    public static int recordCached(Tracker t, List<NodeTask> tasks, java.util.function.IntConsumer progress)
            throws IOException {
        if (tasks.isEmpty()) return 0;
        RunView sweep = t.getRun(tasks.get(0).sweepRunId());
        java.util.Set<String> present = new java.util.HashSet<>();
        for (RunView r : t.findRuns(sweep.experimentId(), Map.of(Tracker.PARENT, sweep.runId())))
            present.add(r.tags().get(Tracker.CELL_KEY));
        Map<String, RunView> computing =
                computingRuns(t, sweep.experimentId(), tasks.get(0).storeUri());
        List<NodeTask> todo =
                tasks.stream().filter(task -> !present.contains(task.key())).toList();
        // three calls per node: a few at a time, so a re-launch of the paper grid (~2,300 nodes) stays well
        // inside the bookkeeping activity's timeout (measured against infra/local's one-worker server at load 26-31:
        // 6 nodes in 3.9 s one at a time, 4.8 s four at a time; a server with more workers is where this helps)
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(CACHED_IN_PARALLEL, Math.max(1, todo.size())));
        try {
            List<java.util.concurrent.Future<String>> done = new ArrayList<>();
            for (NodeTask task : todo)
                done.add(pool.submit(() -> recordCached(t, sweep, task, computing.get(task.key()))));
            int recorded = 0;
            for (java.util.concurrent.Future<String> f : done) {
                try {
                    f.get();
                    progress.accept(++recorded);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while recording cached nodes");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return todo.size();
    }

    /** Cached nodes recorded at once (the tracker's HTTP client keeps 16 connections per host). */
    static final int CACHED_IN_PARALLEL = 4;

    private static String recordCached(Tracker t, RunView sweep, NodeTask task, RunView source) throws IOException {
        String exp = sweep.experimentId();
        Map<String, String> tags = tags(task, sweep, true);
        if (source != null) {
            tags.put(Tracker.COMPUTED_BY, source.runId());
            String url = t.runUrl(exp, source.runId());
            String name = source.tags().getOrDefault("mlflow.runName", source.runId());
            tags.put(
                    "mlflow.note.content",
                    "Cached in this execution: the outputs were computed by run "
                            + (url == null ? name : "[" + name + "](" + url + ")") + " (execution "
                            + source.tags().getOrDefault(Tracker.EXECUTION, "?") + ").");
        } else {
            tags.put(
                    "mlflow.note.content",
                    "Cached in this execution: the outputs were in the store; no tracked run computed them.");
        }
        // both callers have just searched for this execution's run of the node: create, one log-batch, finish
        // (three calls; a find-or-create plus separate params and metrics made five)
        String run = t.newRun(exp, identity(task.sweepRunId(), task.key()), task.nodeId(), tags);
        t.logBatch(run, params(task.stage(), task.paramsJson()), source == null ? List.of() : source.latestMetrics());
        t.finish(run, true);
        return run;
    }

    /** Per content key, the newest finished run of the experiment that computed the node into {@code store} (not a cached record). */
    public static Map<String, RunView> computingRuns(Tracker t, String experimentId, String store) throws IOException {
        Map<String, RunView> out = new LinkedHashMap<>();
        for (RunView r :
                t.findRuns(experimentId, Map.of(Tracker.CACHED, "false", STORE, store))) // oldest first: later ones win
        if ("FINISHED".equals(r.status()) && r.tags().containsKey(Tracker.CELL_KEY))
                out.put(r.tags().get(Tracker.CELL_KEY), r);
        return out;
    }

    private static RunView latestComputing(Tracker t, String exp, String key, String store) throws IOException {
        RunView best = null;
        for (RunView r : t.findRuns(exp, Map.of(Tracker.CELL_KEY, key, Tracker.CACHED, "false", STORE, store)))
            if ("FINISHED".equals(r.status())) best = r;
        return best;
    }

    private static Map<String, String> tags(NodeTask task, RunView sweep, boolean cached) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("featmap.stage", task.stage());
        tags.put("featmap.node", task.nodeId());
        tags.put(Tracker.CACHED, Boolean.toString(cached));
        tags.put(STORE, task.storeUri()); // which store's copy of the outputs this run made (or found)
        String exec = sweep.tags().get(Tracker.EXECUTION);
        if (exec != null) tags.put(Tracker.EXECUTION, exec);
        String user = sweep.tags().get("mlflow.user");
        if (user != null) tags.put("mlflow.user", user); // the person who launched the sweep, not the worker's account
        for (String k : List.of("featmap.sweep", "mlflow.source.git.commit", "featmap.version")) {
            String v = sweep.tags().get(k);
            if (v != null) tags.put(k, v);
        }
        return tags;
    }

    /**
     * A node's canonical params as tracking params: the stage, then every field with the config's key
     * names (camelCase fields of nested settings such as {@code training} become snake_case and are
     * flattened without their section, e.g. {@code learning_rate}); lists are joined with commas;
     * fingerprints (already part of the content key) and names of secret variables are left out.
     */
    public static Map<String, String> params(String stage, String paramsJson) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("stage", stage);
        JsonNode root;
        try {
            root = JSON.readTree(paramsJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("node params are not JSON: " + e.getMessage(), e);
        }
        flatten(root, null, out);
        return out;
    }

    private static void flatten(JsonNode obj, String section, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = snake(e.getKey());
            JsonNode v = e.getValue();
            if (v == null || v.isNull() || key.endsWith("_fingerprint") || SecretScrubber.isSecretName(key)) continue;
            if (v.isObject()) {
                flatten(v, key, out);
                continue;
            }
            String name = out.containsKey(key) && section != null ? section + "." + key : key;
            String text;
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                boolean scalars = true;
                for (JsonNode i : v) {
                    scalars &= i.isValueNode();
                    items.add(i.asText());
                }
                text = scalars ? String.join(",", items) : v.toString();
            } else {
                text = v.asText();
            }
            if (text.length() > MAX_PARAM_VALUE)
                text = text.substring(0, MAX_PARAM_VALUE - 40) + "... (" + text.length() + " characters)";
            out.put(name, text);
        }
    }

    /** learningRate → learning_rate (config keys are snake_case; record fields are camelCase). */
    static String snake(String s) {
        return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The latest value of each metric, for tests and displays. */
    public static Map<String, Double> latest(RunView r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Metric x : r.latestMetrics()) m.put(x.name(), x.value());
        return m;
    }
}
