package org.featmap.workflows;

import java.util.Map;

/**
 * Activity routing and timeouts per stage, from the sweep config.
 *
 * @param queues stage id -> task queue ("default" for the rest)
 * @param heartbeatSeconds heartbeat timeout of long activities
 * @param maxAttempts attempts per activity for faults a retry can fix
 */
public record StageOptions(Map<String, String> queues, int heartbeatSeconds, int maxAttempts) {
    public StageOptions {
        queues = Map.copyOf(queues);
    }

    public String queueOf(String stage) {
        return queues.getOrDefault(stage, queues.getOrDefault("default", "featmap-cpu"));
    }
}
