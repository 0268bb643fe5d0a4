package org.featmap.workflows;

import io.temporal.workflow.Workflow;

/** The sweep as it was before "cached-runs-async": cached nodes recorded inside openExecutionRun, no marker. */
public class BeforeCachedRunsAsync extends SweepWorkflowImpl {
    @Override
    int cachedRunsVersion() {
        return Workflow.DEFAULT_VERSION;
    }
}
