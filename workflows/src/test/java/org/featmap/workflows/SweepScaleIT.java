package org.featmap.workflows;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 item 5: a grid about 10x the paper's (three datasets, five backbones x four layers, every
 * group with all four models, eight edit prompts per dataset: ~20,000 nodes), planned and run with mocked
 * activities; every workflow's history stays within 10,000 events and no event (hence no payload) reaches
 * 256 KB. Prints the figures BENCHMARKS.md "Bounded orchestration" records. In-process service without
 * time skipping (VERIFIED_FACTS: time skipping breaks after tens of workflows). An IT (failsafe phase): 128-150 s at
 * load 12-20 on 2 cores, too long for the unit phase.
 */
class SweepScaleIT {
    static final int MAX_EVENTS = 10_000;
    static final int MAX_EVENT_BYTES = 256 * 1024;

    @Test
    void tenTimesThePaperGridStaysInsideTemporalsLimits() throws Exception {
        SweepConfig cfg = ConfigLoader.parse(
                "paper-10x.yaml",
                Files.readString(Path.of("src/test/resources/paper-10x.yaml")),
                new EnvExpander(Map.of()));
        long p0 = System.nanoTime();
        ExperimentGraph g = Planner.plan(cfg);
        double planSeconds = (System.nanoTime() - p0) / 1e9;
        int trains = g.ofStage(Stage.TRAIN).size();
        assertTrue(
                g.nodes().size() >= 18_000, "about 20,000 nodes: " + g.nodes().size());
        long t0 = System.nanoTime();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
        try {
            Worker wf = env.newWorker("wf");
            wf.registerWorkflowImplementationTypes(
                    SweepWorkflowImpl.class, SubSweepWorkflowImpl.class, CellWorkflowImpl.class);
            RecordingActivities acts = new RecordingActivities(Set.of(), Set.of());
            Set<String> queues = new HashSet<>(List.of(cfg.sweep().queueOf("default")));
            for (Stage st : Stage.values()) queues.add(cfg.sweep().queueOf(st.id()));
            for (String q : queues) env.newWorker(q).registerActivitiesImplementations(acts, acts.stages);
            env.start();
            WorkflowClient c = env.getWorkflowClient();
            SweepWorkflow sweep = c.newWorkflowStub(
                    SweepWorkflow.class,
                    WorkflowOptions.newBuilder()
                            .setWorkflowId("scale")
                            .setTaskQueue("wf")
                            .setWorkflowTaskTimeout(java.time.Duration.ofSeconds(60))
                            .build()); // as featmap run sets it
            var fut = WorkflowClient.execute(sweep::run, new SweepRequest(cfg, Map.of(), false));
            SweepStatus s = fut.get();
            double runSeconds = (System.nanoTime() - t0) / 1e9;

            assertTrue(s.finished());
            assertTrue(s.failures().isEmpty(), () -> s.failures().toString());
            assertEquals(g.nodes().size(), s.total(SweepStatus.StageCount::done));
            assertEquals(g.nodes().size(), acts.calls.size(), "every node ran once");
            assertNotNull(acts.reportTask.inputsRef(), "the report reads its inputs by reference");
            assertTrue(acts.reportTask.inputs().isEmpty());

            // every workflow of the sweep: its own history and the largest event in it
            List<String> ids = new ArrayList<>(List.of("scale"));
            int maxEvents = 0;
            long maxEventBytes = 0;
            String maxEventsId = "";
            String maxBytesWhere = "";
            int batches = 0;
            for (int i = 0; i < ids.size(); i++) {
                WorkflowExecutionHistory h = c.fetchHistory(ids.get(i));
                List<HistoryEvent> events = h.getEvents();
                if (events.size() > maxEvents) {
                    maxEvents = events.size();
                    maxEventsId = ids.get(i);
                }
                for (HistoryEvent e : events) {
                    if (e.getSerializedSize() > maxEventBytes) {
                        maxEventBytes = e.getSerializedSize();
                        maxBytesWhere = ids.get(i) + " " + e.getEventType();
                    }
                    if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
                        ids.add(e.getChildWorkflowExecutionStartedEventAttributes()
                                .getWorkflowExecution()
                                .getWorkflowId());
                        if (i == 0) batches++;
                    }
                }
                if (i == 0) System.out.printf("scale: sweep history %d events%n", events.size());
            }
            long reportList = acts.reportInputLists.get(0).length();
            System.out.printf(
                    "scale: %d nodes, %d train cells (paper: 2,045 / 615), %d batches, %d workflows; largest history %d"
                            + " events (%s); largest event %d bytes (%s); the report's input list %d bytes (in the store, not a payload);"
                            + " %.1f s (planning alone %.2f s)%n",
                    g.nodes().size(),
                    trains,
                    batches,
                    ids.size(),
                    maxEvents,
                    maxEventsId,
                    maxEventBytes,
                    maxBytesWhere,
                    reportList,
                    runSeconds,
                    planSeconds);
            assertTrue(maxEvents <= MAX_EVENTS, maxEventsId + ": " + maxEvents + " events");
            assertTrue(maxEventBytes < MAX_EVENT_BYTES, maxBytesWhere + ": " + maxEventBytes + " bytes");
            assertTrue(
                    reportList > 2 * 1024 * 1024,
                    "the list the old design put in one payload passes Temporal's 2 MB: " + reportList);
        } finally {
            env.close();
        }
    }
}
