package org.featmap.workflows;

/** Negative replay: the bounded shape without its getVersion marker (what a careless change would ship). */
public class UnversionedBoundedSweep extends SweepWorkflowImpl {
    @Override
    int shapeVersion() {
        return 1;
    }
}
