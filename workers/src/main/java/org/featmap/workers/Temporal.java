package org.featmap.workers;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.featmap.activities.handlers.Handlers;
import org.featmap.activities.stage.StageActivitiesImpl;
import org.featmap.activities.stage.SweepActivitiesImpl;
import org.featmap.core.tracking.Tracker;
import org.featmap.workflows.CellWorkflowImpl;
import org.featmap.workflows.SubSweepWorkflowImpl;
import org.featmap.workflows.SweepWorkflowImpl;

/**
 * A connection to Temporal: either an in-process service (embedded dev mode; no time skipping —
 * VERIFIED_FACTS: time skipping breaks after some tens of workflows) or a real server.
 */
final class Temporal implements AutoCloseable {
    /** Workflows run on this queue; activities on the queues of the config. */
    static final String WORKFLOW_QUEUE = "featmap-workflows";

    private final TestWorkflowEnvironment embedded;
    private final WorkflowServiceStubs service;
    private final WorkflowClient client;
    private final WorkerFactory factory;

    private Temporal(
            TestWorkflowEnvironment embedded,
            WorkflowServiceStubs service,
            WorkflowClient client,
            WorkerFactory factory) {
        this.embedded = embedded;
        this.service = service;
        this.client = client;
        this.factory = factory;
    }

    static Temporal embedded() {
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
        return new Temporal(env, null, env.getWorkflowClient(), env.getWorkerFactory());
    }

    static Temporal connect(String target, String namespace) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setMetricsScope(org.featmap.workers.metrics.WorkerMetrics.scopeForConnection(target, namespace))
                .build());
        WorkflowClient c = WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
        return new Temporal(null, stubs, c, WorkerFactory.newInstance(c));
    }

    static Temporal open(String target, String namespace) {
        return target == null || target.isBlank() || target.equals("embedded")
                ? embedded()
                : connect(target, namespace);
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    WorkflowClient client() {
        return client;
    }

    /**
     * Registers workers: the workflow queue (if asked) and activity workers on each queue. GPU-like
     * queues run one activity at a time (one per GPU); CPU queues as many as {@code cpuSlots}.
     */
    void startWorkers(
            boolean workflows, Collection<String> activityQueues, Tracker tracker, Path workBase, int cpuSlots) {
        Map<String, org.featmap.activities.stage.StageHandler> handlers = Handlers.all();
        if (workflows) {
            // the SDK fails a workflow task whose thread runs 1 s without yielding; class loading in a sweep's first
            // task took longer at load 35 (docs/NOTES.md), and the retried task costs a round trip: 10 s
            Worker w = factory.newWorker(
                    WORKFLOW_QUEUE,
                    WorkerOptions.newBuilder()
                            .setDefaultDeadlockDetectionTimeout(10_000)
                            .build());
            w.registerWorkflowImplementationTypes(
                    SweepWorkflowImpl.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class);
        }
        for (String q : activityQueues) {
            boolean gpu = q.contains("gpu") || q.contains("featinv");
            Worker w = factory.newWorker(
                    q,
                    WorkerOptions.newBuilder()
                            .setMaxConcurrentActivityExecutionSize(gpu ? 1 : Math.max(1, cpuSlots))
                            .build());
            w.registerActivitiesImplementations(
                    new StageActivitiesImpl(handlers, tracker, workBase), new SweepActivitiesImpl(tracker));
        }
        if (embedded != null) embedded.start();
        else factory.start();
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        } else {
            factory.shutdown();
            factory.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            service.shutdown();
        }
    }
}
