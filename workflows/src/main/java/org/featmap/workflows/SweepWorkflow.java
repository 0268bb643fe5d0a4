package org.featmap.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;

/**
 * One sweep: plans the experiment graph from the request (deterministically) and runs it in
 * dependency order, shared nodes as activities and each mapping cell as a {@link CellWorkflow}.
 * Workflow id = sweep name + config hash, so re-launching the same config finds the same sweep.
 */
@WorkflowInterface
public interface SweepWorkflow {
    @WorkflowMethod
    SweepStatus run(SweepRequest request);

    @QueryMethod
    SweepStatus status();
}
