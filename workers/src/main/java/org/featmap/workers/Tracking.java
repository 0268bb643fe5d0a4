package org.featmap.workers;

import org.featmap.core.config.SweepConfig;
import org.featmap.core.tracking.Tracker;

/** Chooses the tracker: --mlflow, then MLFLOW_TRACKING_URI, then the config; else none, said in one line. */
record Tracking(Tracker tracker, String message) {
  static Tracking choose(String flag, SweepConfig cfg) {
    String uri = flag;
    if (uri == null || uri.isBlank()) uri = System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank()) uri = cfg.tracking().mlflowUri();
    if (uri == null || uri.isBlank())
      return new Tracking(Tracker.NONE, "tracking: off (no --mlflow, MLFLOW_TRACKING_URI or tracking.mlflow; start one with infra/local/mlflow.sh start)");
    return TrackerFactory.mlflow(uri);
  }
}
