package org.featmap.core.tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Experiment tracking as MLflow models it: experiments, nested runs, params, step metrics and
 * artifacts. The MLflow implementation lives in the activities module; tests may use an in-memory one.
 * Secrets never go through this interface (DEVELOPERS "Secrets").
 */
public interface Tracker {

  /** Finds or creates the experiment of that name; returns its id. */
  String experiment(String name) throws IOException;

  /**
   * Finds the run tagged {@code featmap.cellKey = cellKey} in the experiment, or creates it
   * (idempotent, so a retried activity reuses its run). {@code parentRunId} may be null.
   */
  String run(String experimentId, String cellKey, String runName, String parentRunId, Map<String, String> tags)
      throws IOException;

  /** The experiment a run belongs to (child runs go where their parent is). */
  String experimentOfRun(String runId) throws IOException;

  void logParams(String runId, Map<String, String> params) throws IOException;

  void logMetric(String runId, String name, double value, long step) throws IOException;

  void logArtifact(String runId, String artifactPath, Path file) throws IOException;

  /** Marks a run FINISHED or FAILED. */
  void finish(String runId, boolean success) throws IOException;

  /** A tracker that records nothing, for runs without a tracking server. */
  Tracker NONE =
      new Tracker() {
        @Override
        public String experiment(String name) {
          return "none";
        }

        @Override
        public String run(String e, String c, String n, String p, Map<String, String> t) {
          return "none";
        }

        @Override
        public String experimentOfRun(String runId) {
          return "none";
        }

        @Override
        public void logParams(String runId, Map<String, String> params) {}

        @Override
        public void logMetric(String runId, String name, double value, long step) {}

        @Override
        public void logArtifact(String runId, String artifactPath, Path file) {}

        @Override
        public void finish(String runId, boolean success) {}
      };
}
