package org.featmap.workers;

import org.featmap.core.tracking.Tracker;

/** Builds the MLflow tracker when its implementation is present. */
final class TrackerFactory {
  private TrackerFactory() {}

  static Tracking mlflow(String uri) {
    return new Tracking(Tracker.NONE, "tracking: off (the MLflow tracker is not in this build; asked for " + uri + ")");
  }
}
