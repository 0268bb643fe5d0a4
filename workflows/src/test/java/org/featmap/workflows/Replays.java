package org.featmap.workflows;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;

/**
 * Replays a history with a 30 s deadlock detector instead of the SDK's 1 s: on the shared 2-core machine at
 * load 13-33 class loading and planning in the first replayed task took longer than 1 s and failed the replay
 * with a PotentialDeadlockException, which says nothing about determinism.
 */
final class Replays {
    private Replays() {}

    static void replay(WorkflowExecutionHistory h, Class<?>... types) throws Exception {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            Worker w = env.newWorker(
                    "replay",
                    WorkerOptions.newBuilder()
                            .setDefaultDeadlockDetectionTimeout(30_000)
                            .build());
            w.registerWorkflowImplementationTypes(types);
            WorkflowReplayer.replayWorkflowExecution(h, w);
        }
    }
}
