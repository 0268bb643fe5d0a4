package org.featmap.workers;

import org.featmap.core.tracking.Tracker;

/**
 * Chooses the tracker: --mlflow (a URI, or off), then MLFLOW_TRACKING_URI, then the config; else the local MLflow
 * server of infra/local/ when it is installed (started if needed); else none. Said in one line. A
 * given URI is tried once before anything starts: one that does not answer, or answers but not as
 * MLflow, is bad input (IllegalArgumentException, exit 2) naming the URI, where it came from and the call tried.
 */
record Tracking(Tracker tracker, String message) {
    /** @param configUri the config's tracking.mlflow, or null (a worker has no config) */
    static Tracking choose(String flag, String configUri) {
        // off: nothing tracked even where infra/local's MLflow runs (a measurement without tracking, a quick try)
        if (flag != null && flag.strip().equalsIgnoreCase("off"))
            return new Tracking(Tracker.NONE, "tracking: off (--mlflow off)");
        String uri = flag;
        String from = "--mlflow";
        if (uri == null || uri.isBlank()) {
            uri = System.getenv("MLFLOW_TRACKING_URI");
            from = "MLFLOW_TRACKING_URI";
        }
        if (uri == null || uri.isBlank()) {
            uri = configUri;
            from = "tracking.mlflow of the config";
        }
        if (uri != null && !uri.isBlank()) return TrackerFactory.mlflow(uri, from);
        long t0 = System.nanoTime();
        String[] why = new String[1];
        LocalMlflow.Server local = LocalMlflow.startIfInstalled(why);
        if (local == null)
            return new Tracking(
                    Tracker.NONE,
                    "tracking: off (no --mlflow, MLFLOW_TRACKING_URI or tracking.mlflow; " + why[0] + ")");
        return TrackerFactory.local(local, (System.nanoTime() - t0) / 1e9);
    }
}
