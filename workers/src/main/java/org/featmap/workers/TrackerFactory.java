package org.featmap.workers;

import java.net.URI;
import org.featmap.activities.tracking.MlflowTracker;

/** Builds the MLflow tracker (token and S3 keys from the environment only). */
final class TrackerFactory {
  private TrackerFactory() {}

  static Tracking mlflow(String uri) {
    return new Tracking(MlflowTracker.fromEnvironment(URI.create(uri)), "tracking: MLflow at " + uri);
  }
}
