package org.featmap.activities.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.tracking.Tracker;

/**
 * A {@link Tracker} kept in memory with MLflow's rules (runs found again by identity tags, params that
 * may be re-logged only with the same value, metric steps logged once, secrets refused), for unit tests
 * of the stages and workflows. Thread-safe; artifacts are copied as bytes.
 */
public final class InMemoryTracker implements Tracker {
    /** One metric value. */
    public record Point(double value, long step) {}

    /** What was logged to one run. */
    public static final class Run {
        public final String id;
        public final String experimentId;
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final Map<String, String> params = new LinkedHashMap<>();
        public final Map<String, List<Point>> metrics = new LinkedHashMap<>();
        public final Map<String, byte[]> artifacts = new LinkedHashMap<>();
        public String status = "RUNNING";
        public boolean deleted;
        /** How many logMetrics calls carried at least one point (batching is part of the contract). */
        public int metricCalls;

        Run(String id, String experimentId) {
            this.id = id;
            this.experimentId = experimentId;
        }
    }

    private final SecretScrubber scrubber;
    private final Map<String, String> experiments = new LinkedHashMap<>();
    private final Map<String, Run> runs = new LinkedHashMap<>();

    public InMemoryTracker() {
        this(SecretScrubber.fromEnvironment());
    }

    public InMemoryTracker(SecretScrubber scrubber) {
        this.scrubber = scrubber;
    }

    @Override
    public synchronized String experiment(String name) {
        return experiments.computeIfAbsent(name, n -> String.valueOf(experiments.size() + 1));
    }

    @Override
    public synchronized String run(
            String experimentId, Map<String, String> identity, String runName, Map<String, String> tags) {
        if (identity.isEmpty()) throw new IllegalArgumentException("a run needs identity tags to be found again");
        for (Run r : runs.values()) {
            if (!r.deleted
                    && r.experimentId.equals(experimentId)
                    && r.tags.entrySet().containsAll(identity.entrySet())) {
                r.status = "RUNNING";
                return r.id;
            }
        }
        Map<String, String> all = new LinkedHashMap<>(tags == null ? Map.of() : tags);
        all.putAll(identity);
        if (runName != null) all.put("mlflow.runName", runName);
        String parent = all.get(PARENT);
        if (parent != null && !runs.containsKey(parent))
            throw new IllegalArgumentException("parent run " + parent + " does not exist");
        scrubber.checkAll("tag", all);
        Run r = new Run("run-" + (runs.size() + 1), experimentId);
        r.tags.putAll(all);
        runs.put(r.id, r);
        return r.id;
    }

    @Override
    public synchronized List<RunView> findRuns(String experimentId, Map<String, String> tags) {
        List<RunView> out = new ArrayList<>();
        for (Run r : runs.values())
            if (!r.deleted
                    && r.experimentId.equals(experimentId)
                    && r.tags.entrySet().containsAll(tags.entrySet())) out.add(view(r));
        return out;
    }

    @Override
    public synchronized RunView getRun(String runId) {
        return view(get(runId));
    }

    private static RunView view(Run r) {
        List<Metric> latest = new ArrayList<>();
        r.metrics.forEach((k, pts) -> {
            Point last = pts.get(pts.size() - 1);
            latest.add(new Metric(k, last.value(), last.step(), 0));
        });
        return new RunView(r.id, r.experimentId, r.status, r.tags, r.params, latest);
    }

    @Override
    public synchronized void setTags(String runId, Map<String, String> tags) {
        scrubber.checkAll("tag", tags);
        get(runId).tags.putAll(tags);
    }

    @Override
    public synchronized void logParams(String runId, Map<String, String> params) {
        Run r = get(runId);
        scrubber.checkAll("param", params);
        params.forEach((k, v) -> {
            String old = r.params.get(k);
            if (old != null && !old.equals(v)) {
                throw new IllegalArgumentException("param '" + k + "' of run " + runId
                        + " already has another value (MLflow params are immutable)");
            }
        });
        r.params.putAll(params);
    }

    @Override
    public synchronized void logMetrics(String runId, List<Metric> points) {
        Run r = get(runId);
        boolean any = false;
        for (Metric p : points) {
            List<Point> l = r.metrics.computeIfAbsent(p.name(), n -> new ArrayList<>());
            if (!l.isEmpty() && p.step() <= l.get(l.size() - 1).step())
                continue; // as MlflowTracker: steps once, in order
            l.add(new Point(p.value(), p.step()));
            any = true;
        }
        if (any) r.metricCalls++;
    }

    @Override
    public synchronized void logArtifact(String runId, String artifactPath, Path file) throws IOException {
        String rel = (artifactPath == null || artifactPath.isEmpty() ? "" : artifactPath + "/") + file.getFileName();
        get(runId).artifacts.put(rel, Files.readAllBytes(file));
    }

    @Override
    public synchronized void deleteRun(String runId) {
        get(runId).deleted = true;
    }

    @Override
    public synchronized void finish(String runId, boolean success) {
        get(runId).status = success ? "FINISHED" : "FAILED";
    }

    @Override
    public String runUrl(String experimentId, String runId) {
        return "memory:#/experiments/" + experimentId + "/runs/" + runId;
    }

    public synchronized Run get(String runId) {
        Run r = runs.get(runId);
        if (r == null) throw new IllegalArgumentException("no run " + runId);
        return r;
    }

    /** Every run not deleted. */
    public synchronized List<Run> runs() {
        return runs.values().stream().filter(r -> !r.deleted).toList();
    }
}
