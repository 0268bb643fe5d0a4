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

  /** Creates (or finds) the sweep's parent tracking run; returns its id or null without tracking. */
  @ActivityMethod(name = "openSweepRun")
  String openSweepRun(String sweep, String experiment, String configHash);

  /** Marks the sweep's parent run finished, logging its totals. */
  @ActivityMethod(name = "closeSweepRun")
  void closeSweepRun(String runId, SweepStatus status);
}
