package org.featmap.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.featmap.core.contract.StageActivities;
import org.featmap.core.graph.Stage;

/** Activity stubs per stage: queue, timeouts and the retry policy (retry only what retrying can fix). */
final class Stubs {
    private final StageOptions options;
    private final Map<String, StageActivities> byStage = new HashMap<>();

    Stubs(StageOptions options) {
        this.options = options;
    }

    StageActivities forStage(String stage) {
        return byStage.computeIfAbsent(stage, s -> Workflow.newActivityStub(StageActivities.class, activityOptions(s)));
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
