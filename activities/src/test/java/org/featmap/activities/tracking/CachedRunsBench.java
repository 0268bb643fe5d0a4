package org.featmap.activities.tracking;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.store.Sha256;
import org.featmap.core.tracking.Tracker;

/**
 * bench/tracking: the cost of recording a relaunch's cached nodes as MLflow child runs ({@link
 * NodeRuns#recordCached}), against a real server. Prints {@code cached_nodes=N record_s=S}.
 * Usage: CachedRunsBench MLFLOW_URI NODES EXPERIMENT
 */
public final class CachedRunsBench {
    private CachedRunsBench() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int nodes = Integer.parseInt(args[1]);
        try (MlflowTracker t = new MlflowTracker(uri, System.getenv(), null, "bench")) {
            String exp = t.experiment(args[2]);
            String sweep = t.run(exp, Map.of(Tracker.EXECUTION, "bench-" + System.nanoTime()), "bench sweep", Map.of());
            List<NodeTask> tasks = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String key = Sha256.hex("bench-node-" + i + "-" + sweep);
                String params =
                        "{\"dataset\":\"STANFORD_CARS\",\"group\":\"direct\",\"source\":\"resized\",\"backbone\":\"convnext\","
                                + "\"layer\":\"feat3\",\"manipulation\":\"rotation_90\",\"model\":\"mlp\",\"learning_rate\":0.001,\"epochs\":30,"
                                + "\"batch_size\":32}";
                tasks.add(new NodeTask(
                        "bench", sweep, "train/node-" + i, "train", key, params, List.of(), "s3://bench/store"));
            }
            long t0 = System.nanoTime();
            int made = NodeRuns.recordCached(t, tasks);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    java.util.Locale.ROOT,
                    "cached_nodes=%d record_s=%.2f ms_per_node=%.1f%n",
                    made,
                    s,
                    1000 * s / made);
            t.finish(sweep, true);
        }
    }
}
