package org.featmap.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.stage.Stage;

/**
 * Activity stubs per stage: queue, timeouts and the retry policy (retry only what retrying can fix). A node's
 * activity is scheduled by its stage's activity type ({@link Stage#activityType()}) through an untyped stub, so no
 * workflow code names a stage; the command is the one the typed {@code StageActivities} stub of before issue #17
 * wrote (same type name, options and argument), so recorded histories replay.
 */
final class Stubs {
    private final StageOptions options;
    private final Map<String, ActivityStub> byStage = new HashMap<>();

    Stubs(StageOptions options) {
        this.options = options;
    }

    /** Schedules the node's activity now and returns its result's promise. */
    Promise<NodeResult> execute(NodeTask task) {
        Stage stage = Stage.of(task.stage());
        ActivityStub stub =
                byStage.computeIfAbsent(task.stage(), s -> Workflow.newUntypedActivityStub(activityOptions(s)));
        return stub.executeAsync(stage.activityType(), NodeResult.class, task);
    }

    ActivityOptions activityOptions(String stage) {
        boolean heavy = Stage.of(stage).heavy() || stage.equals("report");
        return ActivityOptions.newBuilder()
                .setTaskQueue(options.queueOf(stage))
                .setStartToCloseTimeout(heavy ? Duration.ofHours(48) : Duration.ofHours(4))
                .setHeartbeatTimeout(Duration.ofSeconds(options.heartbeatSeconds()))
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setBackoffCoefficient(2.0)
                        .setMaximumInterval(Duration.ofMinutes(2))
                        .setMaximumAttempts(options.maxAttempts())
                        .setDoNotRetry(
                                "org.featmap.core.contract.BadInputException",
                                "org.featmap.core.config.ConfigException",
                                "java.lang.IllegalArgumentException")
                        .build())
                .build();
    }
}
