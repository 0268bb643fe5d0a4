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
 * A {@link Tracker} kept in memory with MLflow's rules (runs found again by cellKey, params that may be
 * re-logged only with the same value, secrets refused), for unit tests of the stages and workflows.
 * Thread-safe; artifacts are copied as bytes.
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
  public synchronized String run(String experimentId, String cellKey, String runName, String parentRunId, Map<String, String> tags) {
    for (Run r : runs.values()) {
      if (r.experimentId.equals(experimentId) && cellKey.equals(r.tags.get("featmap.cellKey"))) {
        r.status = "RUNNING";
        return r.id;
      }
    }
    Map<String, String> all = new LinkedHashMap<>(tags == null ? Map.of() : tags);
    all.put("featmap.cellKey", cellKey);
    if (runName != null) all.put("mlflow.runName", runName);
    if (parentRunId != null) {
      if (!runs.containsKey(parentRunId)) throw new IllegalArgumentException("parent run " + parentRunId + " does not exist");
      all.put("mlflow.parentRunId", parentRunId);
    }
    scrubber.checkAll("tag", all);
    Run r = new Run("run-" + (runs.size() + 1), experimentId);
    r.tags.putAll(all);
    runs.put(r.id, r);
    return r.id;
  }

  @Override
  public synchronized String experimentOfRun(String runId) {
    return get(runId).experimentId;
  }

  @Override
  public synchronized void logParams(String runId, Map<String, String> params) {
    Run r = get(runId);
    scrubber.checkAll("param", params);
    params.forEach(
        (k, v) -> {
          String old = r.params.get(k);
          if (old != null && !old.equals(v)) {
            throw new IllegalArgumentException("param '" + k + "' of run " + runId + " already has another value (MLflow params are immutable)");
          }
        });
    r.params.putAll(params);
  }

  @Override
  public synchronized void logMetric(String runId, String name, double value, long step) {
    get(runId).metrics.computeIfAbsent(name, n -> new ArrayList<>()).add(new Point(value, step));
  }

  @Override
  public synchronized void logArtifact(String runId, String artifactPath, Path file) throws IOException {
    String rel = (artifactPath == null || artifactPath.isEmpty() ? "" : artifactPath + "/") + file.getFileName();
    get(runId).artifacts.put(rel, Files.readAllBytes(file));
  }

  @Override
  public synchronized void finish(String runId, boolean success) {
    get(runId).status = success ? "FINISHED" : "FAILED";
  }

  public synchronized Run get(String runId) {
    Run r = runs.get(runId);
    if (r == null) throw new IllegalArgumentException("no run " + runId);
    return r;
  }

  public synchronized List<Run> runs() {
    return List.copyOf(runs.values());
  }
}
