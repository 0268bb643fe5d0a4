package org.featmap.core.contract;

import java.util.List;
import java.util.Map;

/**
 * Progress of a sweep, per stage (what {@code featmap status} draws) plus failures.
 *
 * @param stages stage id -> counts
 * @param failures node id -> one-line reason, for failed nodes and nodes skipped because an input failed
 * @param finished true once every node has ended
 * @param computeMillis sum of the computing time of all nodes computed in this run
 * @param busyMillis wall time during which at least one node was computing (union of intervals)
 * @param spanMillis from the first computation's start to the last one's end (0 when nothing computed):
 *     wall − span is start-up and shut-down, span − busy the gaps between nodes
 * @param live workflow ids of running sub-sweeps whose nodes this status counts as pending: their own
 *     {@code status} query tells which of them are done or running ({@code LiveStatus} in workflows merges
 *     them); empty for a sweep that runs every node itself (sweeps started before bounded histories)
 */
public record SweepStatus(
        String sweep,
        Map<String, StageCount> stages,
        Map<String, String> failures,
        boolean finished,
        long computeMillis,
        long busyMillis,
        long spanMillis,
        List<String> live) {
    public SweepStatus {
        stages = Map.copyOf(stages);
        failures = Map.copyOf(failures);
        live = live == null ? List.of() : List.copyOf(live);
    }

    public SweepStatus(
            String sweep,
            Map<String, StageCount> stages,
            Map<String, String> failures,
            boolean finished,
            long computeMillis,
            long busyMillis,
            long spanMillis) {
        this(sweep, stages, failures, finished, computeMillis, busyMillis, spanMillis, List.of());
    }

    public record StageCount(int total, int done, int cached, int running, int failed, int skipped) {}

    public int total(java.util.function.ToIntFunction<StageCount> f) {
        return stages.values().stream().mapToInt(f).sum();
    }

    public List<String> failedNodes() {
        return failures.keySet().stream().sorted().toList();
    }
}
