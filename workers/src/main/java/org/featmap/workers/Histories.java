package org.featmap.workers;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes event histories for the replay tests (docs/ARCHITECTURE.md "Changing workflow code"). */
final class Histories {
    private Histories() {}

    static Path idFile(Path json) {
        return json.resolveSibling(json.getFileName().toString().replace(".json", ".id"));
    }

    static void record(WorkflowClient client, String workflowId, Path file) throws IOException {
        WorkflowExecutionHistory h = client.fetchHistory(workflowId);
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, h.toJson(true));
        Files.writeString(idFile(file), workflowId + "\n");
        for (HistoryEvent e : h.getEvents()) {
            if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
                WorkflowExecution child =
                        e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
                // the replay test picks the implementation by this prefix: a cell (older sweeps) or a batch of cells
                String type = e.getChildWorkflowExecutionStartedEventAttributes()
                        .getWorkflowType()
                        .getName();
                Path cf = file.resolveSibling(
                        (type.equals("SubSweepWorkflow") ? "subsweep-" : "cell-") + file.getFileName());
                Files.writeString(
                        cf,
                        client.fetchHistory(child.getWorkflowId(), child.getRunId())
                                .toJson(true));
                Files.writeString(idFile(cf), child.getWorkflowId() + "\n");
                System.err.println("recorded histories " + file + " and " + cf);
                return;
            }
        }
        System.err.println("recorded history " + file);
    }
}
