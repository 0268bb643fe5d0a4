package org.featmap.workflows;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;

public final class CellWorkflowImpl implements CellWorkflow {
    @Override
    public CellOutcome run(CellRequest request) {
        Stubs stubs = new Stubs(request.options());
        Dag<NodeResult> dag = new Dag<>();
        Map<String, NodeTask> tasks = new LinkedHashMap<>();
        Set<String> cached = new HashSet<>(request.cached());
        for (NodeTask t : request.tasks()) {
            tasks.put(t.nodeId(), t);
            dag.add(t.nodeId(), request.deps().getOrDefault(t.nodeId(), List.of()));
            if (cached.contains(t.nodeId())) dag.done(t.nodeId(), null);
        }
        dag.run(
                tasks.size(),
                id -> {
                    NodeTask t = tasks.get(id);
                    return stubs.execute(t);
                },
                () -> {});
        Map<String, String> states = new LinkedHashMap<>();
        Map<String, Map<String, String>> summaries = new LinkedHashMap<>();
        java.util.List<Interval> intervals = new java.util.ArrayList<>();
        for (String id : tasks.keySet()) {
            switch (dag.state(id)) {
                case DONE -> {
                    NodeResult r = dag.result(id);
                    states.put(id, r == null || r.cached() ? "cached" : "done");
                    if (r != null) summaries.put(id, r.summary());
                    if (r != null && !r.cached()) intervals.add(new Interval(r.startedAtMillis(), r.computeMillis()));
                }
                case FAILED -> states.put(id, "failed: " + dag.reason(id));
                default -> states.put(id, dag.reason(id) == null ? "skipped" : dag.reason(id));
            }
        }
        return new CellOutcome(states, summaries, intervals);
    }
}
