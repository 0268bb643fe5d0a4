package org.featmap.core.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Sweep-level bookkeeping activities (light, on the default queue). */
@ActivityInterface
public interface SweepActivities {
    /** Which of these (stage, key) pairs already have a committed, intact manifest; returns their keys. */
    @ActivityMethod(name = "lookupCached")
    List<String> lookupCached(String storeUri, List<String> stageKeys);

    /**
     * Creates (or finds again) the tracking run of one execution of the sweep: identified by {@code
     * executionId} (the top-level sweep workflow's first run id, so retries, replays and continue-as-new
     * find the same run), with the resolved config, the plan and the launch; records the nodes already in
     * the store as cached child runs. Returns the run id.
     */
    @ActivityMethod(name = "openExecutionRun")
    String openExecutionRun(SweepRequest request, String executionId);

    /**
     * The same run without the cached nodes (sweeps from "cached-runs-async" on): those are recorded by
     * {@link #recordCachedNodes} while the sweep goes on.
     */
    @ActivityMethod(name = "openExecutionRunAlone")
    String openExecutionRunAlone(SweepRequest request, String executionId);

    /**
     * Records the nodes this execution found cached ({@code cachedNodes}: {@link CachedNodes}, over the
     * request's plan) as child runs of {@code runId} linked to their computing runs, heartbeating its
     * progress; nodes that have their run already are skipped, so a retry goes on where it stopped.
     */
    @ActivityMethod(name = "recordCachedNodes")
    void recordCachedNodes(SweepRequest request, String runId, String cachedNodes);

    /**
     * Before execution runs (kept for sweeps started by older code, which replay it): one sweep run per
     * config, found again by a cellKey tag, so a new execution reused it.
     */
    @ActivityMethod(name = "openSweepRun")
    String openSweepRun(String sweep, String experiment, String configHash);

    /** Marks the sweep's parent run finished, logging its totals. */
    @ActivityMethod(name = "closeSweepRun")
    void closeSweepRun(String runId, SweepStatus status);

    /**
     * Plans the request's graph (the same pure planner the workflow uses) and writes the report node's
     * inputs, as JSON, into the store: the report of a large grid reads every result node, far more than a
     * Temporal payload holds (20,000 nodes ≈ 3 MB). Returns the file's reference, which the report's
     * {@code NodeTask.inputsRef} carries. Content-addressed by the report's key, so a retry writes the same file.
     */
    @ActivityMethod(name = "publishReportInputs")
    org.featmap.core.store.ArtifactRef publishReportInputs(SweepRequest request);
}
