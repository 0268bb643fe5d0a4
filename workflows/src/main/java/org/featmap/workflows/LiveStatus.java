package org.featmap.workflows;

import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.contract.SweepStatus.StageCount;

/**
 * A sweep's progress as {@code featmap status} shows it: the sweep's own {@code status} query, plus the
 * query of each running batch it names ({@link SweepStatus#live}), whose nodes the sweep counts as
 * pending until the batch ends. Client-side (workflow code cannot query another workflow). The sweep is
 * asked first: a batch that ends between the two queries is then counted once, by its own final status.
 */
public final class LiveStatus {
    private LiveStatus() {}

    /** Queries the sweep (its latest run, so continue-as-new and re-launches are followed) and its live batches. */
    public static SweepStatus query(WorkflowClient client, String workflowId) {
        SweepStatus top = client.newUntypedWorkflowStub(workflowId).query("status", SweepStatus.class);
        top = startedOnly(client, workflowId, top);
        if (top.live().isEmpty()) return top;
        List<SweepStatus> parts = new ArrayList<>();
        for (String id : top.live()) {
            try {
                parts.add(startedOnly(
                        client, id, client.newUntypedWorkflowStub(id).query("status", SweepStatus.class)));
            } catch (RuntimeException notYet) {
                // started a moment ago (no worker has taken it yet): its nodes stay pending in this view
            }
        }
        return merge(top, parts);
    }

    /**
     * Issue #16: a node is "running" only while its activity runs. The workflow knows when it scheduled an
     * activity, not when a worker took it (a cell's test, classify, wxb and svd are scheduled together and wait
     * for the one GPU slot); the server does: DescribeWorkflowExecution lists each pending activity as
     * scheduled or started. Those still waiting move back to pending. Per stage, since a batch runs one cell at a
     * time (one node per stage in flight) and the sweep's own activities are shared nodes. A failed describe
     * leaves the counts as the workflow gave them.
     */
    static SweepStatus startedOnly(WorkflowClient client, String workflowId, SweepStatus s) {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        try {
            var r = client.getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                            io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                                    .setNamespace(client.getOptions().getNamespace())
                                    .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                            .setWorkflowId(workflowId))
                                    .build());
            for (var a : r.getPendingActivitiesList())
                if (a.getState() == io.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED)
                    waiting.merge(a.getActivityType().getName(), 1, Integer::sum);
        } catch (RuntimeException e) {
            return s;
        }
        if (waiting.isEmpty()) return s;
        Map<String, StageCount> stages = new LinkedHashMap<>();
        s.stages().forEach((st, k) -> {
            int w = Math.min(k.running(), waiting.getOrDefault(st, 0));
            stages.put(st, new StageCount(k.total(), k.done(), k.cached(), k.running() - w, k.failed(), k.skipped()));
        });
        return new SweepStatus(
                s.sweep(),
                stages,
                s.failures(),
                s.finished(),
                s.computeMillis(),
                s.busyMillis(),
                s.spanMillis(),
                s.live());
    }

    /** Adds the batches' done/cached/running/failed/skipped to the sweep's counts (totals are the sweep's). */
    public static SweepStatus merge(SweepStatus top, List<SweepStatus> batches) {
        Map<String, int[]> c = new LinkedHashMap<>();
        top.stages()
                .forEach((s, k) ->
                        c.put(s, new int[] {k.total(), k.done(), k.cached(), k.running(), k.failed(), k.skipped()}));
        Map<String, String> failures = new LinkedHashMap<>(top.failures());
        long compute = top.computeMillis();
        for (SweepStatus b : batches) {
            b.stages().forEach((s, k) -> {
                int[] t = c.computeIfAbsent(s, x -> new int[6]);
                t[1] += k.done();
                t[2] += k.cached();
                t[3] += k.running();
                t[4] += k.failed();
                t[5] += k.skipped();
            });
            b.failures().forEach((id, why) -> {
                if (failures.size() < SweepWorkflowImpl.MAX_LISTED_FAILURES) failures.putIfAbsent(id, why);
            });
            compute += b.computeMillis();
        }
        Map<String, StageCount> stages = new LinkedHashMap<>();
        c.forEach((s, k) -> stages.put(s, new StageCount(k[0], k[1], k[2], k[3], k[4], k[5])));
        // busy and span come from finished nodes the sweep knows; the batches' add up at their end
        return new SweepStatus(
                top.sweep(), stages, failures, top.finished(), compute, top.busyMillis(), top.spanMillis(), top.live());
    }
}
