package org.featmap.core.store;

import java.util.List;
import java.util.Map;

/**
 * The commit marker of one node: what it produced, from what, and a small summary.
 *
 * @param stage stage name, e.g. {@code train}
 * @param key the node's content key (hex sha256)
 * @param codeVersion the stage code version that produced it
 * @param artifacts named outputs (name -> reference)
 * @param summary small scalar results shown in status and reports (metric name -> value as text)
 * @param failures items of the node that failed (e.g. undecodable images), each a one-line message
 * @param computeMillis wall time of the computation that produced it
 */
public record NodeManifest(
        String stage,
        String key,
        int codeVersion,
        Map<String, ArtifactRef> artifacts,
        Map<String, String> summary,
        List<String> failures,
        long computeMillis) {
    public NodeManifest {
        artifacts = Map.copyOf(artifacts);
        summary = Map.copyOf(summary);
        failures = List.copyOf(failures);
    }
}
