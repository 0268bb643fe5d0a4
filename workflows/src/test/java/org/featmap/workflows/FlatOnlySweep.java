package org.featmap.workflows;

import io.temporal.workflow.Workflow;

/** Negative replay: the code before bounded histories (no marker, always the flat shape). */
public class FlatOnlySweep extends SweepWorkflowImpl {
    @Override
    int shapeVersion() {
        return Workflow.DEFAULT_VERSION;
    }
}
