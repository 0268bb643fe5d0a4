package org.featmap.workflows;

import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.SweepStatus;

public final class SubSweepWorkflowImpl implements SubSweepWorkflow {
    /** Per node: pending, running (its activity is scheduled), done, cached, failed, skipped. */
    private final Map<String, String> nodeState = new LinkedHashMap<>();

    private final Map<String, String> nodeStage = new HashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<CellWorkflow.Interval> intervals = new ArrayList<>();
    private String label = "";
    private boolean finished;

    @Override
    public Outcome run(Request request) {
        label = request.label();
        Stubs stubs = new Stubs(request.options());
        for (Cell c : request.cells()) {
            Set<String> cached = new HashSet<>(c.cached());
            for (NodeTask t : c.tasks()) {
                nodeState.put(t.nodeId(), cached.contains(t.nodeId()) ? "cached" : "pending");
                nodeStage.put(t.nodeId(), t.stage());
            }
        }
        Map<String, String> notDone = new LinkedHashMap<>();
        List<String> foundCached = new ArrayList<>();
        // One cell at a time: the sweep counts this batch as one unit in flight (sweep.max_in_flight), as it
        // counted one cell before; a cell's own nodes run as soon as their inputs are done.
        for (Cell c : request.cells()) {
            Dag<NodeResult> dag = new Dag<>();
            Map<String, NodeTask> tasks = new LinkedHashMap<>();
            Set<String> cached = new HashSet<>(c.cached());
            for (NodeTask t : c.tasks()) {
                tasks.put(t.nodeId(), t);
                dag.add(t.nodeId(), c.deps().getOrDefault(t.nodeId(), List.of()));
                if (cached.contains(t.nodeId())) dag.done(t.nodeId(), null);
            }
            dag.run(
                    tasks.size(),
                    id -> {
                        NodeTask t = tasks.get(id);
                        nodeState.put(id, "running"); // only this node: the cell's others wait for it or for their turn
                        Promise<NodeResult> p = stubs.execute(t);
                        return p.handle((r, e) -> {
                            if (e != null) {
                                nodeState.put(id, "failed");
                                failures.put(id, Dag.describe(e));
                                throw e;
                            }
                            nodeState.put(id, r.cached() ? "cached" : "done");
                            if (!r.cached())
                                intervals.add(new CellWorkflow.Interval(r.startedAtMillis(), r.computeMillis()));
                            return r;
                        });
                    },
                    () -> {});
            for (String id : tasks.keySet()) {
                switch (dag.state(id)) {
                    case DONE -> {
                        NodeResult r = dag.result(id);
                        if (r != null && r.cached()) foundCached.add(id);
                    }
                    case FAILED -> notDone.put(id, "failed: " + dag.reason(id));
                    default -> {
                        String why = dag.reason(id) == null ? "skipped" : dag.reason(id);
                        notDone.put(id, why);
                        nodeState.put(id, "skipped");
                        failures.put(id, why);
                    }
                }
            }
        }
        finished = true;
        return new Outcome(notDone, foundCached, List.copyOf(intervals));
    }

    @Override
    public SweepStatus status() {
        return SweepWorkflowImpl.count(label, nodeState, nodeStage, failures, finished, intervals, List.of());
    }
}
