package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sweep's orchestration with mocked activities on the time-skipping test service. */
class SweepWorkflowTest {
    static final String YAML = """
      sweep:
        name: wf-test
        store: /tmp/unused
        max_in_flight: 3
        queues: {default: q-cpu, train: q-gpu, extract: q-gpu, test: q-gpu}
      datasets:
        - name: D
          synthetic: {classes: 2, per_class_train: 2, per_class_test: 2, seed: 1}
          groups:
            - name: direct
              models: [linear, mlp]
              manipulations: [grayscale]
            - name: geom_tf_apply_group
              apply_transform: true
              models: [linear]
              manipulations: [rotation_90]
      backbones:
        - name: convnext
          export: /models/x
          layers: [feat2, feat3]
          normalize: [feat2]
      test: {enabled: true, reconstructor: none}
      analysis: {svd: true, svd_datasets: [D]}
      """;

    static SweepConfig config() {
        return ConfigLoader.parse("wf.yaml", YAML, new EnvExpander(Map.of()));
    }

    @RegisterExtension
    static final TestWorkflowExtension ext = TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                    SweepWorkflowImpl.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class)
            .setDoNotStart(true)
            .build();

    static SweepStatus runSweep(TestWorkflowEnvironment env, Worker worker, RecordingActivities acts, String id) {
        return runSweep(env, worker, acts, id, false);
    }

    static SweepStatus runSweep(
            TestWorkflowEnvironment env, Worker worker, RecordingActivities acts, String id, boolean tracking) {
        for (String q : List.of("q-cpu", "q-gpu"))
            env.newWorker(q).registerActivitiesImplementations(acts, acts.stages);
        env.start();
        return startAgain(env, worker, id, tracking);
    }

    static SweepStatus startAgain(TestWorkflowEnvironment env, Worker worker, String id, boolean tracking) {
        SweepWorkflow wf = env.getWorkflowClient()
                .newWorkflowStub(
                        SweepWorkflow.class,
                        WorkflowOptions.newBuilder()
                                .setWorkflowId(id)
                                .setTaskQueue(worker.getTaskQueue())
                                .build());
        return wf.run(new SweepRequest(
                config(), Map.of(), tracking, new SweepRequest.Launch("alice", "0.1.0", null, false, 1L)));
    }

    /**
     * Issue #19: each execution (a new workflow run after the previous one ended) opens its own sweep run,
     * identified by the workflow's first run id, and every node task of that execution carries it.
     */
    @Test
    void eachExecutionOpensItsOwnSweepRunAndItsTasksCarryIt(TestWorkflowEnvironment env, Worker worker)
            throws Exception {
        RecordingActivities acts = new RecordingActivities(Set.of(), Set.of());
        runSweep(env, worker, acts, "sweep-exec", true);
        assertEquals(1, acts.executions.size());
        assertEquals(Set.of("run-" + acts.executions.get(0)), acts.sweepRunIds);
        acts.sweepRunIds.clear();
        startAgain(env, worker, "sweep-exec", true);
        assertEquals(2, acts.executions.size());
        assertNotEquals(acts.executions.get(0), acts.executions.get(1));
        assertEquals(Set.of("run-" + acts.executions.get(1)), acts.sweepRunIds);
        // the tracked path (a version marker, then openExecutionRun) replays deterministically
        WorkflowReplayer.replayWorkflowExecution(
                env.getWorkflowClient().fetchHistory("sweep-exec"), SweepWorkflowImpl.class, CellWorkflowImpl.class);
    }

    @Test
    void runsEveryNodeOnceInDependencyOrder(TestWorkflowEnvironment env, Worker worker) {
        RecordingActivities acts = new RecordingActivities(Set.of(), Set.of());
        SweepStatus s = runSweep(env, worker, acts, "sweep-all");
        ExperimentGraph g = Planner.plan(config());
        assertTrue(s.finished());
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        assertEquals(g.nodes().size(), acts.calls.size());
        assertEquals(g.nodes().size(), new HashSet<>(acts.calls).size(), "no node ran twice");
        assertEquals(g.nodes().size(), s.total(SweepStatus.StageCount::done));
        assertEquals(acts.calls.get(acts.calls.size() - 1), "report/wf-test", "report last");
    }

    @Test
    void aFailedCellFailsOnlyThatCell(TestWorkflowEnvironment env, Worker worker) {
        String bad = "train/D/direct/convnext/feat3/grayscale/linear";
        RecordingActivities acts = new RecordingActivities(Set.of(bad), Set.of());
        SweepStatus s = runSweep(env, worker, acts, "sweep-fail");
        assertTrue(s.finished());
        assertTrue(
                s.failures().get(bad).contains("bad input for test"),
                s.failures().toString());
        String test = "test/D/direct/convnext/feat3/grayscale/linear";
        assertTrue(s.failures().get(test).startsWith("skipped"), s.failures().toString());
        assertFalse(acts.calls.contains(test));
        assertTrue(acts.calls.contains("train/D/direct/convnext/feat3/grayscale/mlp"), "the other cell still ran");
        assertTrue(acts.calls.contains("report/wf-test"), "the report runs and marks what is missing");
        assertEquals(1, s.stages().get("train").failed());
    }

    @Test
    void aFailedSharedNodeSkipsEverythingBelowIt(TestWorkflowEnvironment env, Worker worker) {
        String bad = "extract/convnext/D/train/direct";
        RecordingActivities acts = new RecordingActivities(Set.of(bad), Set.of());
        SweepStatus s = runSweep(env, worker, acts, "sweep-shared-fail");
        assertEquals(0, s.stages().get("train").done());
        assertTrue(s.stages().get("train").skipped() > 0);
        assertTrue(acts.calls.contains("extract/convnext/D/test/direct"), "siblings still run");
        assertTrue(acts.calls.contains("report/wf-test"), "the report still renders");
    }

    @Test
    void cachedNodesAreNotRunAgain(TestWorkflowEnvironment env, Worker worker) {
        ExperimentGraph g = Planner.plan(config());
        Set<String> all = new HashSet<>();
        for (Node n : g.nodes()) all.add(n.stage().id() + "/" + n.key());
        RecordingActivities acts = new RecordingActivities(Set.of(), all);
        SweepStatus s = runSweep(env, worker, acts, "sweep-cached");
        assertTrue(acts.calls.isEmpty(), acts.calls.toString());
        assertEquals(g.nodes().size(), s.total(SweepStatus.StageCount::cached));
    }

    /**
     * Issue #13 (relaunch): the nodes found cached are handed to recordCachedNodes, by their place in the
     * plan, beside the sweep; the execution's run is opened without them and every other node still runs.
     */
    @Test
    void cachedNodesAreRecordedBesideTheSweep(TestWorkflowEnvironment env, Worker worker) throws Exception {
        ExperimentGraph g = Planner.plan(config());
        Set<String> shared = new HashSet<>();
        Set<String> sharedIds = new HashSet<>();
        for (Node n : g.nodes())
            if (n.cell() == null && !n.stage().id().equals("report")) {
                shared.add(n.stage().id() + "/" + n.key());
                sharedIds.add(n.id());
            }
        RecordingActivities acts = new RecordingActivities(Set.of(), shared);
        SweepStatus s = runSweep(env, worker, acts, "sweep-cached-tracked", true);
        assertTrue(s.failures().isEmpty(), s.failures().toString());
        String run = "run-" + acts.executions.get(0);
        assertEquals(
                sharedIds,
                new HashSet<>(acts.cachedRecords.get(run)),
                "exactly the cached nodes, recorded on this execution's run");
        assertEquals(g.nodes().size() - shared.size(), acts.calls.size(), "the other nodes ran");
        WorkflowReplayer.replayWorkflowExecution(
                env.getWorkflowClient().fetchHistory("sweep-cached-tracked"),
                SweepWorkflowImpl.class,
                CellWorkflowImpl.class);
    }

    @Test
    void historyReplaysDeterministically(TestWorkflowEnvironment env, Worker worker) throws Exception {
        RecordingActivities acts =
                new RecordingActivities(Set.of("train/D/direct/convnext/feat2/grayscale/mlp"), Set.of());
        runSweep(env, worker, acts, "sweep-replay");
        WorkflowClient c = env.getWorkflowClient();
        var history = c.fetchHistory("sweep-replay");
        WorkflowReplayer.replayWorkflowExecution(history, SweepWorkflowImpl.class, CellWorkflowImpl.class);
    }
}
