package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "cached-runs-async" version keeps tracked sweeps started by the code before it replaying: their history
 * (openExecutionRun, which recorded the cached nodes itself) replays against the current code, not against
 * the change without its marker; and a history of the current code does not replay against the code before it.
 */
class CachedRunsReplayTest {
    @RegisterExtension
    static final TestWorkflowExtension ext = TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                    BeforeCachedRunsAsync.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class)
            .setDoNotStart(true)
            .build();

    static boolean schedules(WorkflowExecutionHistory h, String activity) {
        return h.getEvents().stream()
                .anyMatch(ev -> ev.hasActivityTaskScheduledEventAttributes()
                        && ev.getActivityTaskScheduledEventAttributes()
                                .getActivityType()
                                .getName()
                                .equals(activity));
    }

    @Test
    void aTrackedSweepOfTheCodeBeforeItReplaysOnlyBehindTheMarker(TestWorkflowEnvironment env, Worker worker)
            throws Exception {
        RecordingActivities acts = new RecordingActivities(Set.of(), Set.of());
        SweepWorkflowTest.runSweep(env, worker, acts, "cached-runs-before", true);
        WorkflowExecutionHistory h = env.getWorkflowClient().fetchHistory("cached-runs-before");
        assertTrue(
                schedules(h, "openExecutionRun") && !schedules(h, "recordCachedNodes"),
                "recorded by the code before the marker");
        Replays.replay(h, SweepWorkflowImpl.class);
        BoundedShapeReplayTest.assertNondeterministic(
                assertThrows(Exception.class, () -> Replays.replay(h, UnversionedCachedRunsAsync.class)));
    }

    @Test
    void aTrackedSweepOfTheCurrentCodeDoesNotReplayAgainstTheCodeBeforeIt(TestWorkflowEnvironment env, Worker worker)
            throws Exception {
        RecordingActivities acts = new RecordingActivities(Set.of(), Set.of());
        for (String q : java.util.List.of("q-cpu", "q-gpu"))
            env.newWorker(q).registerActivitiesImplementations(acts, acts.stages);
        Worker current = env.newWorker("current");
        current.registerWorkflowImplementationTypes(
                SweepWorkflowImpl.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class);
        current.registerActivitiesImplementations(acts, acts.stages);
        env.start();
        SweepWorkflowTest.startAgain(env, current, "cached-runs-current", true);
        WorkflowExecutionHistory h = env.getWorkflowClient().fetchHistory("cached-runs-current");
        assertTrue(schedules(h, "openExecutionRunAlone") && schedules(h, "recordCachedNodes"), "the current shape");
        assertFalse(schedules(h, "openExecutionRun"));
        String recordTo =
                System.getProperty("featmap.recordHistories"); // writes the committed cached-runs-wf-test.json
        if (recordTo != null) {
            java.nio.file.Path dir = java.nio.file.Path.of(recordTo);
            java.nio.file.Files.writeString(dir.resolve("cached-runs-wf-test.json"), h.toJson(true));
            java.nio.file.Files.writeString(dir.resolve("cached-runs-wf-test.id"), "cached-runs-current\n");
        }
        Replays.replay(h, SweepWorkflowImpl.class);
        BoundedShapeReplayTest.assertNondeterministic(
                assertThrows(Exception.class, () -> Replays.replay(h, BeforeCachedRunsAsync.class)));
    }
}
