package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerOptions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.junit.jupiter.api.Test;

/**
 * Issue #16: while a cell runs, only the nodes whose activity a worker is running show as running. One GPU
 * slot, held by a test node that waits on a latch: the cell's classify, wxb and svd are scheduled beside it
 * and wait for the slot, and so do other batches' nodes; {@link LiveStatus} must count exactly what is inside
 * an activity (before: every node of a running cell).
 */
class RunningNodesTest {
    static final String YAML = SweepWorkflowTest.YAML.replace(
            "queues: {default: q-cpu, train: q-gpu, extract: q-gpu, test: q-gpu}",
            "queues: {default: q-cpu, train: q-gpu, extract: q-gpu, test: q-gpu, classify: q-gpu, wxb: q-gpu, svd: q-gpu}");

    @Test
    void onlyNodesInsideAnActivityCountAsRunning() throws Exception {
        SweepConfig cfg = ConfigLoader.parse("wf.yaml", YAML, new EnvExpander(Map.of()));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        RecordingActivities acts = new RecordingActivities(Set.of(), Set.of()) {
            @Override
            NodeResult run(NodeTask t) {
                inside.incrementAndGet();
                try {
                    if (t.stage().equals("test") && held.getCount() > 0) {
                        held.countDown();
                        release.await(60, TimeUnit.SECONDS);
                    }
                    return super.run(t);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    inside.decrementAndGet();
                }
            }
        };
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
            env.newWorker("wf")
                    .registerWorkflowImplementationTypes(SweepWorkflowImpl.class, SubSweepWorkflowImpl.class);
            env.newWorker("q-cpu").registerActivitiesImplementations(acts, acts.stages);
            env.newWorker(
                            "q-gpu",
                            WorkerOptions.newBuilder()
                                    .setMaxConcurrentActivityExecutionSize(1)
                                    .build())
                    .registerActivitiesImplementations(acts, acts.stages);
            env.start();
            WorkflowClient c = env.getWorkflowClient();
            SweepWorkflow wf = c.newWorkflowStub(
                    SweepWorkflow.class,
                    WorkflowOptions.newBuilder()
                            .setWorkflowId("running")
                            .setTaskQueue("wf")
                            .build());
            var result = WorkflowClient.execute(wf::run, new SweepRequest(cfg, Map.of(), false));
            assertTrue(held.await(60, TimeUnit.SECONDS), "a test node started");
            SweepStatus s = null;
            for (int i = 0; i < 50; i++) { // the other nodes settle into "scheduled" within a few workflow tasks
                Thread.sleep(200);
                s = LiveStatus.query(c, "running");
                if (s.total(SweepStatus.StageCount::running) == inside.get()
                        && s.stages().get("test").running() == 1) break;
            }
            SweepStatus last = s;
            assertEquals(1, inside.get(), "one GPU slot, held");
            assertEquals(
                    1, s.total(SweepStatus.StageCount::running), () -> "only the held node runs: " + last.stages());
            assertEquals(1, s.stages().get("test").running());
            release.countDown();
            SweepStatus end = result.get(60, TimeUnit.SECONDS);
            assertEquals(0, end.total(SweepStatus.StageCount::running));
            assertTrue(end.failures().isEmpty(), end.failures().toString());
        }
    }
}
