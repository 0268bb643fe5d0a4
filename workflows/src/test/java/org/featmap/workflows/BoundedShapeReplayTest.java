package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "bounded-sweep" version (issue #13 item 4) is what keeps old sweeps replaying: the committed flat
 * history replays against the current code (ReplayCommittedHistoriesTest) but not against the bounded shape
 * without its marker, and a bounded history does not replay against the code before it. Both negatives
 * prove the replay check can fail here, so its passing means something.
 */
class BoundedShapeReplayTest {
    @RegisterExtension
    static final TestWorkflowExtension ext = TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(
                    SweepWorkflowImpl.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class)
            .setDoNotStart(true)
            .build();

    static WorkflowExecutionHistory committedFlat() throws Exception {
        Path dir = Path.of("src/test/resources/histories");
        return WorkflowExecutionHistory.fromJson(
                Files.readString(dir.resolve("demo-sweep.json")),
                Files.readString(dir.resolve("demo-sweep.id")).trim());
    }

    /** The replay failed because the commands differ, not for another reason. */
    static void assertNondeterministic(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause())
            all.append(c.getClass().getName())
                    .append(": ")
                    .append(c.getMessage())
                    .append('\n');
        assertTrue(all.toString().contains("NonDeterministic"), all.toString());
    }

    @Test
    void theFlatHistoryFailsAgainstTheBoundedShapeWithoutItsMarker() throws Exception {
        Replays.replay(committedFlat(), SweepWorkflowImpl.class); // with the marker: replays
        assertNondeterministic(
                assertThrows(Exception.class, () -> Replays.replay(committedFlat(), UnversionedBoundedSweep.class)));
    }

    @Test
    void aBoundedHistoryReplaysAndFailsAgainstTheCodeBeforeIt(TestWorkflowEnvironment env, Worker worker)
            throws Exception {
        RecordingActivities acts =
                new RecordingActivities(Set.of("train/D/direct/convnext/feat2/grayscale/mlp"), Set.of());
        SweepWorkflowTest.runSweep(env, worker, acts, "bounded-replay");
        WorkflowExecutionHistory h = env.getWorkflowClient().fetchHistory("bounded-replay");
        String recordTo = System.getProperty("featmap.recordHistories"); // writes the committed bounded-*.json
        if (recordTo != null) {
            Path dir = Path.of(recordTo);
            Files.writeString(dir.resolve("bounded-wf-test.json"), h.toJson(true));
            Files.writeString(dir.resolve("bounded-wf-test.id"), "bounded-replay\n");
            Files.writeString(
                    dir.resolve("subsweep-bounded-wf-test.json"),
                    env.getWorkflowClient()
                            .fetchHistory("bounded-replay/batch-0")
                            .toJson(true));
            Files.writeString(dir.resolve("subsweep-bounded-wf-test.id"), "bounded-replay/batch-0\n");
        }
        assertTrue(
                h.getEvents().stream().anyMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED),
                "the bounded shape records its version marker");
        Replays.replay(h, SweepWorkflowImpl.class);
        assertNondeterministic(assertThrows(Exception.class, () -> Replays.replay(h, FlatOnlySweep.class)));
        // and each batch's own history replays
        int batches = 0;
        for (HistoryEvent ev : h.getEvents())
            if (ev.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
                var child = ev.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
                Replays.replay(
                        env.getWorkflowClient().fetchHistory(child.getWorkflowId(), child.getRunId()),
                        SubSweepWorkflowImpl.class);
                batches++;
            }
        assertTrue(batches > 0, "cells ran in batches");
    }
}
