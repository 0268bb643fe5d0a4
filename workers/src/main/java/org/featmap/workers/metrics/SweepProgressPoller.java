package org.featmap.workers.metrics;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link SweepProgress} by asking Temporal for the running sweep workflows and querying each
 * one's status; a sweep that stopped running (or started and ended between two polls, such as a
 * resume that found everything cached) is queried once more so its final counts stay visible.
 */
public final class SweepProgressPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SweepProgressPoller.class);
    static final String SWEEP_WORKFLOW_TYPE = "SweepWorkflow";

    private final WorkflowClient client;
    private final SweepProgress progress;
    private final Set<String> running = new LinkedHashSet<>();
    private ScheduledExecutorService timer;
    private java.time.Instant lastPoll;

    public SweepProgressPoller(WorkflowClient client, SweepProgress progress) {
        this.client = client;
        this.progress = progress;
    }

    /** One poll: lists running sweeps and updates their gauges. Returns the workflow ids it updated. */
    public synchronized List<String> pollOnce() {
        Set<String> now = new LinkedHashSet<>();
        java.time.Instant pollStart = java.time.Instant.now();
        listOpenSweeps(now);
        Set<String> ended = new LinkedHashSet<>(running);
        if (lastPoll != null) listSweepsClosedSince(lastPoll.minusSeconds(1), ended); // started and ended between polls
        lastPoll = pollStart;
        ended.removeAll(now);
        Set<String> asked = new LinkedHashSet<>(now);
        asked.addAll(ended);
        List<String> updated = new java.util.ArrayList<>();
        for (String id : asked) {
            try {
                progress.update(id, org.featmap.workflows.LiveStatus.query(client, id));
                updated.add(id);
            } catch (RuntimeException e) {
                LOG.debug("status of {} not available now: {}", id, e.getMessage()); // retried next poll
            }
        }
        running.clear();
        running.addAll(now);
        return updated;
    }

    /**
     * The open sweep workflows through ListOpenWorkflowExecutions with a type filter: unlike the
     * query-based ListWorkflowExecutions it is answered by every visibility store and by the in-process
     * test service too (which reports the latter UNIMPLEMENTED).
     */
    private void listOpenSweeps(Set<String> into) {
        ByteString page = ByteString.EMPTY;
        do {
            ListOpenWorkflowExecutionsResponse r = client.getWorkflowServiceStubs()
                    .blockingStub()
                    .listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setTypeFilter(WorkflowTypeFilter.newBuilder().setName(SWEEP_WORKFLOW_TYPE))
                            .setMaximumPageSize(100)
                            .setNextPageToken(page)
                            .build());
            for (WorkflowExecutionInfo i : r.getExecutionsList())
                into.add(i.getExecution().getWorkflowId());
            page = r.getNextPageToken();
        } while (!page.isEmpty());
    }

    private void listSweepsClosedSince(java.time.Instant since, Set<String> into) {
        ByteString page = ByteString.EMPTY;
        do {
            ListClosedWorkflowExecutionsResponse r = client.getWorkflowServiceStubs()
                    .blockingStub()
                    .listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setTypeFilter(WorkflowTypeFilter.newBuilder().setName(SWEEP_WORKFLOW_TYPE))
                            .setStartTimeFilter(StartTimeFilter.newBuilder()
                                    .setEarliestTime(Timestamp.newBuilder()
                                            .setSeconds(since.getEpochSecond())
                                            .setNanos(since.getNano()))
                                    .setLatestTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE / 2_000_000_000L)))
                            .setMaximumPageSize(100)
                            .setNextPageToken(page)
                            .build());
            for (WorkflowExecutionInfo i : r.getExecutionsList())
                into.add(i.getExecution().getWorkflowId());
            page = r.getNextPageToken();
        } while (!page.isEmpty());
    }

    public void start(long periodSeconds) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "featmap-sweep-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        pollOnce();
                    } catch (RuntimeException e) {
                        LOG.warn("sweep progress poll failed: {}", e.getMessage());
                    }
                },
                0,
                periodSeconds,
                TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
