package org.featmap.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.NodeTask;

/**
 * One mapping cell: its train node and everything below it (test, classify, W·x/bias, SVD). A
 * child workflow per cell keeps the sweep's own history small for the 615-cell paper grid.
 */
@WorkflowInterface
public interface CellWorkflow {
    @WorkflowMethod
    CellOutcome run(CellRequest request);

    /**
     * @param tasks the cell's nodes in topological order
     * @param deps node id -> ids of the cell's own nodes it waits for
     * @param cached ids of nodes already committed in the store (not run again)
     * @param options per-stage activity settings
     */
    record CellRequest(
            List<NodeTask> tasks, Map<String, List<String>> deps, List<String> cached, StageOptions options) {}

    /** node id -> "done", "cached", or a one-line failure/skip reason; summaries of finished nodes. */
    record CellOutcome(
            Map<String, String> states, Map<String, Map<String, String>> summaries, List<Interval> intervals) {}

    /** When a node computed: [start, start + millis). */
    record Interval(long start, long millis) {}
}
