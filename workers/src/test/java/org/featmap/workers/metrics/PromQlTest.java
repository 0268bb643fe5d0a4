package org.featmap.workers.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void findsTheMetricsAndNothingElse() {
        assertEquals(
                Set.of("temporal_activity_execution_latency_seconds_bucket"),
                PromQl.metricNames(
                        "histogram_quantile(0.95, sum by (le, activity_type) (rate(temporal_activity_execution_latency_seconds_bucket{task_queue=~\"$queue\"}[$__rate_interval])))"));
        assertEquals(
                Set.of("featmap_nodes_done", "featmap_nodes_total"),
                PromQl.metricNames(
                        "sum by (stage) (featmap_nodes_done{sweep=\"$sweep\"}) / clamp_min(sum by (stage) (featmap_nodes_total{sweep=\"$sweep\"}), 1)"));
        assertEquals(Set.of("featmap_nodes_total"), PromQl.metricNames("label_values(featmap_nodes_total, sweep)"));
        assertEquals(
                Set.of("a_total", "b"), PromQl.metricNames("a_total offset 5m * on (x) group_left b > bool 0.5e3"));
    }
}
