package org.featmap.core.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Experiment tracking as MLflow models it: experiments, nested runs, params, step metrics and
 * artifacts. The MLflow implementation lives in the activities module; tests may use an in-memory one.
 * Secrets never go through this interface (DEVELOPERS "Secrets").
 *
 * <p>Run identity (ARCHITECTURE "Tracking"): a run is found again by identity tags, so a retried or
 * resumed attempt, on any host, reuses its run: the sweep run by {@code featmap.execution}, a node's
 * run by ({@code mlflow.parentRunId}, {@code featmap.cellKey}). Metric steps are logged once: points at
 * a step the run already holds for that metric are dropped, so a resumed training that recomputes an
 * epoch does not log it twice.
 */
public interface Tracker {
    /** Tag naming the execution of a sweep (the top-level sweep workflow's first run id). */
    String EXECUTION = "featmap.execution";
    /** Tag with the node's content key. */
    String CELL_KEY = "featmap.cellKey";
    /** Tag of the sweep run that a node run belongs to (MLflow's own nesting tag). */
    String PARENT = "mlflow.parentRunId";
    /** Tag "true" on a node run of an execution that found the node already computed. */
    String CACHED = "featmap.cached";
    /** On a cached node's run: the run that computed the node. */
    String COMPUTED_BY = "featmap.computedBy";

    /** One metric value at one step, with the time it was measured. */
    record Metric(String name, double value, long step, long timestampMillis) {
        public static Metric now(String name, double value, long step) {
            return new Metric(name, value, step, System.currentTimeMillis());
        }
    }

    /** What a search or a get returns about a run: its tags, params and the latest value of each metric. */
    record RunView(
            String runId,
            String experimentId,
            String status,
            Map<String, String> tags,
            Map<String, String> params,
            List<Metric> latestMetrics) {
        public RunView {
            tags = Map.copyOf(tags);
            params = Map.copyOf(params);
            latestMetrics = List.copyOf(latestMetrics);
        }
    }

    /** Finds or creates the experiment of that name; returns its id. */
    String experiment(String name) throws IOException;

    /**
     * The active run of the experiment whose tags include every entry of {@code identity} (the oldest
     * if a race made two), or a new one tagged with {@code identity} and {@code tags}. A reused run is
     * marked running again (a failed attempt may have finished it).
     */
    String run(String experimentId, Map<String, String> identity, String runName, Map<String, String> tags)
            throws IOException;

    /**
     * A new run, for a caller that has just searched and knows none with {@code identity} exists (the
     * cached nodes of a new execution): a server may skip the search of {@link #run} on the first
     * attempt. The default is {@link #run}.
     */
    default String newRun(String experimentId, Map<String, String> identity, String runName, Map<String, String> tags)
            throws IOException {
        return run(experimentId, identity, runName, tags);
    }

    /** Params and metrics of a run together: a server may take both in one call. */
    default void logBatch(String runId, Map<String, String> params, List<Metric> metrics) throws IOException {
        if (!params.isEmpty()) logParams(runId, params);
        if (!metrics.isEmpty()) logMetrics(runId, metrics);
    }

    /** The active runs of the experiment whose tags include every entry of {@code tags}, oldest first. */
    List<RunView> findRuns(String experimentId, Map<String, String> tags) throws IOException;

    RunView getRun(String runId) throws IOException;

    /** The experiment a run belongs to (child runs go where their parent is). */
    default String experimentOfRun(String runId) throws IOException {
        return getRun(runId).experimentId();
    }

    void setTags(String runId, Map<String, String> tags) throws IOException;

    void logParams(String runId, Map<String, String> params) throws IOException;

    /** Logs the points in as few calls as the server allows; points at a step the run already has for that metric are dropped. */
    void logMetrics(String runId, List<Metric> metrics) throws IOException;

    default void logMetric(String runId, String name, double value, long step) throws IOException {
        logMetrics(runId, List.of(Metric.now(name, value, step)));
    }

    /** Uploads {@code file} to {@code <artifactPath>/<file name>} of the run (root for null or empty). */
    void logArtifact(String runId, String artifactPath, Path file) throws IOException;

    /** Uploads every file under {@code dir} to {@code <artifactPath>/<path relative to dir>}. */
    default void logArtifacts(String runId, String artifactPath, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        String base = artifactPath == null ? "" : artifactPath;
        for (Path f : files) {
            Path parent = dir.relativize(f).getParent();
            String rel = parent == null
                    ? base
                    : (base.isEmpty() ? "" : base + "/") + parent.toString().replace('\\', '/');
            logArtifact(runId, rel, f);
        }
    }

    /** Marks a run deleted (MLflow keeps it in the trash); searches no longer find it. */
    void deleteRun(String runId) throws IOException;

    /** Marks a run FINISHED or FAILED. */
    void finish(String runId, boolean success) throws IOException;

    /** A link to the run in the tracking UI, or null when there is none. */
    default String runUrl(String experimentId, String runId) {
        return null;
    }

    /** A tracker that records nothing, for runs without a tracking server. */
    Tracker NONE = new Tracker() {
        @Override
        public String experiment(String name) {
            return "none";
        }

        @Override
        public String run(String e, Map<String, String> identity, String n, Map<String, String> t) {
            return "none";
        }

        @Override
        public List<RunView> findRuns(String experimentId, Map<String, String> tags) {
            return List.of();
        }

        @Override
        public RunView getRun(String runId) {
            return new RunView(runId, "none", "RUNNING", Map.of(), Map.of(), List.of());
        }

        @Override
        public void setTags(String runId, Map<String, String> tags) {}

        @Override
        public void logParams(String runId, Map<String, String> params) {}

        @Override
        public void logMetrics(String runId, List<Metric> metrics) {}

        @Override
        public void logArtifact(String runId, String artifactPath, Path file) {}

        @Override
        public void logArtifacts(String runId, String artifactPath, Path dir) {}

        @Override
        public void deleteRun(String runId) {}

        @Override
        public void finish(String runId, boolean success) {}
    };
}
