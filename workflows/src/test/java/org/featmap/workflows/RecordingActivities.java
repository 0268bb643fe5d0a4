package org.featmap.workflows;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.SweepActivities;
import org.featmap.core.contract.SweepStatus;

/**
 * Mocked activities for workflow tests (register this and {@link #stages}): record the order of calls, check that inputs ran first,
 * fail the nodes they are told to fail (non-retryably), and report chosen keys as cached.
 */
class RecordingActivities implements SweepActivities {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The tracking run each node task carried. */
    final Set<String> sweepRunIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    final Set<String> finished = ConcurrentHashMap.newKeySet();
    final Set<String> failNodes;
    final Set<String> cachedStageKeys;

    RecordingActivities(Set<String> failNodes, Set<String> cachedStageKeys) {
        this.failNodes = failNodes;
        this.cachedStageKeys = cachedStageKeys;
    }

    NodeResult run(NodeTask t) {
        if (t.stage().equals("report")) reportTask = t;
        if (!t.stage().equals("report")) // the report runs over whatever finished and marks the rest missing
        for (NodeTask.InputRef in : t.inputs())
                if (!finished.contains(in.nodeId()) && !cachedStageKeys.contains(in.stage() + "/" + in.key()))
                    throw ApplicationFailure.newNonRetryableFailure(
                            t.nodeId() + " ran before its input " + in.nodeId(), "Order");
        calls.add(t.nodeId());
        sweepRunIds.add(String.valueOf(t.sweepRunId()));
        if (failNodes.contains(t.nodeId()))
            throw ApplicationFailure.newNonRetryableFailure(t.nodeId() + ": bad input for test", "BadInput");
        finished.add(t.nodeId());
        return new NodeResult(
                t.nodeId(), t.key(), false, 1, Map.of("stage", t.stage()), List.of(), System.currentTimeMillis());
    }

    /**
     * The stage activities as the workers register them: one dynamic activity for every stage's activity type;
     * register it beside this object (whose typed methods are the sweep's bookkeeping).
     */
    final io.temporal.activity.DynamicActivity stages = args -> run(args.get(0, NodeTask.class));

    @Override
    public List<String> lookupCached(String storeUri, List<String> stageKeys) {
        return stageKeys.stream().filter(cachedStageKeys::contains).toList();
    }

    @Override
    public String openSweepRun(String sweep, String experiment, String configHash) {
        return "run-1";
    }

    /** The execution ids the workflow opened runs for. */
    final List<String> executions = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String openExecutionRun(org.featmap.core.contract.SweepRequest request, String executionId) {
        executions.add(executionId);
        return "run-" + executionId;
    }

    @Override
    public String openExecutionRunAlone(org.featmap.core.contract.SweepRequest request, String executionId) {
        executions.add(executionId);
        return "run-" + executionId;
    }

    /** What recordCachedNodes was given: sweep run id -> the node ids its bits name. */
    final Map<String, List<String>> cachedRecords = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void recordCachedNodes(org.featmap.core.contract.SweepRequest request, String runId, String cachedNodes) {
        var nodes = org.featmap.core.graph.Planner.plan(request.config(), request.fingerprints())
                .nodes();
        java.util.BitSet bits = org.featmap.core.contract.CachedNodes.decode(cachedNodes);
        List<String> ids = new ArrayList<>();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1))
            ids.add(nodes.get(i).id());
        cachedRecords.put(runId, ids);
    }

    @Override
    public void closeSweepRun(String runId, SweepStatus status) {}

    /** The report's input lists, as the real activity would write them (serialised the same way). */
    final List<String> reportInputLists = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The report task as the activity received it. */
    volatile NodeTask reportTask;

    @Override
    public org.featmap.core.store.ArtifactRef publishReportInputs(org.featmap.core.contract.SweepRequest request) {
        var g = org.featmap.core.graph.Planner.plan(request.config(), request.fingerprints());
        var byId = g.byId();
        var report = g.ofStage(org.featmap.core.stage.Stage.REPORT).get(0);
        List<NodeTask.InputRef> ins = new ArrayList<>();
        for (var in : report.inputs()) {
            var dep = byId.get(in.nodeId());
            ins.add(new NodeTask.InputRef(in.role(), dep.id(), dep.stage().id(), dep.key()));
        }
        try {
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(ins);
            reportInputLists.add(json);
            byte[] b = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new org.featmap.core.store.ArtifactRef(
                    "mem:report-inputs/" + report.key(), org.featmap.core.store.Sha256.hex(b), b.length);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
