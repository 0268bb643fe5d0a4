package org.featmap.activities.stage;

import io.temporal.activity.Activity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.featmap.activities.store.Stores;
import org.featmap.core.contract.SweepActivities;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.tracking.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class SweepActivitiesImpl implements SweepActivities {
  private static final Logger LOG = LoggerFactory.getLogger(SweepActivitiesImpl.class);
  private final Tracker tracker;

  public SweepActivitiesImpl(Tracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public List<String> lookupCached(String storeUri, List<String> stageKeys) {
    List<String> hits = new ArrayList<>();
    try (ArtifactStore store = Stores.open(storeUri)) {
      for (String sk : stageKeys) {
        int slash = sk.indexOf('/');
        String stage = sk.substring(0, slash);
        String key = sk.substring(slash + 1);
        Optional<NodeManifest> m = store.manifest(stage, key);
        if (m.isEmpty()) continue;
        if (NodeRunner.intact(store, m.get())) hits.add(sk);
        else {
          LOG.warn("{}/{}: a cached artifact no longer matches its sha256; the node will be recomputed", stage, key);
          store.delete(stage, key);
        }
      }
    } catch (IOException e) {
      throw Activity.wrap(e);
    }
    return hits;
  }

  @Override
  public String openSweepRun(String sweep, String experiment, String configHash) {
    try {
      String exp = tracker.experiment(experiment);
      String run = tracker.run(exp, "sweep:" + sweep + ":" + configHash, sweep, null,
          Map.of("featmap.sweep", sweep, "featmap.configHash", configHash));
      return run;
    } catch (IOException e) {
      throw Activity.wrap(e);
    }
  }

  @Override
  public void closeSweepRun(String runId, SweepStatus status) {
    try {
      int done = status.total(SweepStatus.StageCount::done);
      int failed = status.total(SweepStatus.StageCount::failed);
      int skipped = status.total(SweepStatus.StageCount::skipped);
      int cached = status.total(SweepStatus.StageCount::cached);
      tracker.logMetric(runId, "nodes_done", done, 0);
      tracker.logMetric(runId, "nodes_cached", cached, 0);
      tracker.logMetric(runId, "nodes_failed", failed, 0);
      tracker.logMetric(runId, "nodes_skipped", skipped, 0);
      tracker.finish(runId, failed == 0 && skipped == 0);
    } catch (IOException e) {
      throw Activity.wrap(e);
    }
  }
}
