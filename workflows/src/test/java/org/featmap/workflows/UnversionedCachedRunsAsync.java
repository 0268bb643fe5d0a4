package org.featmap.workflows;

/** "cached-runs-async" made without its version marker: the change a replay must reject. */
public class UnversionedCachedRunsAsync extends SweepWorkflowImpl {
    @Override
    int cachedRunsVersion() {
        return 1;
    }
}
