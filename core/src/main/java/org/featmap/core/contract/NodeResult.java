package org.featmap.core.contract;

import java.util.List;
import java.util.Map;

/**
 * What an activity returns: small. The outputs themselves are in the store under (stage, key).
 *
 * @param nodeId the node
 * @param key its content key
 * @param cached true if the node's manifest already existed and nothing was computed
 * @param computeMillis time spent computing (0 when cached)
 * @param summary a few scalar results (e.g. best val loss) for progress and reports
 * @param failures item-level failures the node tolerated (one line each)
 * @param startedAtMillis wall-clock start of the computation (epoch ms; 0 when cached)
 */
public record NodeResult(
        String nodeId,
        String key,
        boolean cached,
        long computeMillis,
        Map<String, String> summary,
        List<String> failures,
        long startedAtMillis) {
    public NodeResult {
        summary = Map.copyOf(summary);
        failures = List.copyOf(failures);
    }
}
