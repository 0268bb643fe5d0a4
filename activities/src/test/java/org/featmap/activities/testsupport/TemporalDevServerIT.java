package org.featmap.activities.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Temporal dev server of infra/local/temporal.sh runs a workflow with an activity for the Java SDK. */
class TemporalDevServerIT {
    @WorkflowInterface
    public interface Echo {
        @WorkflowMethod
        String echo(String s);
    }

    @ActivityInterface
    public interface Upper {
        String upper(String s);
    }

    public static final class EchoImpl implements Echo {
        private final Upper upper = Workflow.newActivityStub(
                Upper.class,
                ActivityOptions.newBuilder()
                        .setStartToCloseTimeout(Duration.ofSeconds(30))
                        .build());

        @Override
        public String echo(String s) {
            return upper.upper(s) + "!";
        }
    }

    @Test
    void workflowRunsOnTheRealServer() {
        String target = Services.temporalTarget();
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try {
            WorkflowClient client = WorkflowClient.newInstance(service);
            WorkerFactory factory = WorkerFactory.newInstance(client);
            String queue = "featmap-it-" + UUID.randomUUID();
            var worker = factory.newWorker(queue);
            worker.registerWorkflowImplementationTypes(EchoImpl.class);
            worker.registerActivitiesImplementations((Upper) s -> s.toUpperCase());
            factory.start();
            try {
                Echo wf = client.newWorkflowStub(
                        Echo.class,
                        WorkflowOptions.newBuilder()
                                .setTaskQueue(queue)
                                .setWorkflowId(queue)
                                .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                                .build());
                assertEquals("FEATMAP!", wf.echo("featmap"));
            } finally {
                factory.shutdownNow();
            }
        } finally {
            service.shutdownNow();
        }
    }
}
