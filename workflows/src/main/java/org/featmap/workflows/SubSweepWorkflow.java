package org.featmap.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.SweepStatus;

/**
 * A batch of mapping cells of one sweep that share their inputs (same external dependencies, so they
 * become ready at the same moment), run one cell at a time with each cell's nodes as activities. The
 * sweep runs its cells through these instead of one child workflow per cell, so that neither its own
 * history nor any payload grows with the grid (issue #13 item 4; docs/ARCHITECTURE.md "Orchestration
 * shape"): the sweep's history grows with the number of batches, a batch's with its few cells.
 */
@WorkflowInterface
public interface SubSweepWorkflow {
    @WorkflowMethod
    Outcome run(Request request);

    /** Its nodes' progress; {@code featmap status} merges it into the sweep's ({@link LiveStatus}). */
    @QueryMethod
    SweepStatus status();

    /**
     * @param label what the batch runs, for people (first cell id and how many more)
     * @param cells the cells, run in this order
     * @param options per-stage activity settings
     */
    record Request(String label, List<Cell> cells, StageOptions options) {}

    /**
     * @param tasks the cell's nodes in topological order
     * @param deps node id -> ids of the cell's own nodes it waits for
     * @param cached ids of nodes already committed in the store (not run again)
     */
    record Cell(List<NodeTask> tasks, Map<String, List<String>> deps, List<String> cached) {}

    /**
     * Small by design: every node of the request not named here was computed.
     *
     * @param notDone node id -> one-line failure ("failed: ...") or skip reason
     * @param cached nodes found committed by their activity (computed elsewhere meanwhile)
     * @param intervals when each computed node computed
     */
    record Outcome(Map<String, String> notDone, List<String> cached, List<CellWorkflow.Interval> intervals) {}
}
