package org.featmap.workers.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.core.contract.SweepStatus;

/**
 * Nodes planned / done / cached / failed per sweep and stage, as gauges fed from the sweep workflow's
 * {@code status} query. Prometheus names: {@code featmap_nodes_planned} (not "_total": the Prometheus
 * client reserves that suffix for counters and strips it from a gauge), {@code featmap_nodes_done}
 * (cache hits included), {@code featmap_nodes_cached} (found in the store by the workflow's cache
 * lookup, so never scheduled), {@code featmap_nodes_failed} (failed or skipped); tags sweep (the
 * workflow id) and stage.
 */
public final class SweepProgress {
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> values = new ConcurrentHashMap<>();

    SweepProgress(MeterRegistry registry) {
        this.registry = registry;
    }

    public void update(String workflowId, SweepStatus s) {
        for (Map.Entry<String, SweepStatus.StageCount> e : s.stages().entrySet()) {
            SweepStatus.StageCount c = e.getValue();
            set("featmap.nodes.planned", workflowId, e.getKey(), c.total());
            set("featmap.nodes.done", workflowId, e.getKey(), c.done());
            set("featmap.nodes.cached", workflowId, e.getKey(), c.cached());
            set("featmap.nodes.failed", workflowId, e.getKey(), c.failed() + c.skipped());
        }
    }

    private void set(String name, String sweep, String stage, int v) {
        values.computeIfAbsent(name + "|" + sweep + "|" + stage, k -> {
                    AtomicInteger h = new AtomicInteger();
                    Gauge.builder(name, h, AtomicInteger::get)
                            .tags("sweep", sweep, "stage", stage)
                            .register(registry);
                    return h;
                })
                .set(v);
    }
}
