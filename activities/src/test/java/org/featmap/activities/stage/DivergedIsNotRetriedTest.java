package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.core.contract.DivergedException;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NaN/Inf loss reaches the workflow as a non-retryable "Diverged" failure naming the cell: one attempt, not ten. */
class DivergedIsNotRetriedTest {
    @Test
    void oneAttemptAndTheMessageNamesCellEpochAndBatch(@TempDir Path dir) {
        AtomicInteger attempts = new AtomicInteger();
        StageHandler diverging = ctx -> {
            attempts.incrementAndGet();
            throw new DivergedException(
                    "training diverged: train loss NaN at epoch 3 batch 7 with learning rate 1000.0; lower learning_rate",
                    3,
                    7);
        };
        TestActivityEnvironment env = TestActivityEnvironment.newInstance();
        try {
            env.registerActivitiesImplementations(
                    new StageActivitiesImpl(Map.of("train", diverging), Tracker.NONE, null));
            TrainActivity a = env.newActivityStub(
                    TrainActivity.class,
                    ActivityOptions.newBuilder()
                            .setStartToCloseTimeout(Duration.ofMinutes(1))
                            .setRetryOptions(RetryOptions.newBuilder()
                                    .setMaximumAttempts(10)
                                    .setInitialInterval(Duration.ofMillis(10))
                                    .build())
                            .build());
            NodeTask t = new NodeTask(
                    "s",
                    null,
                    "train/cub/g/convnext/feat3/rotation_90/linear",
                    "train",
                    "c".repeat(64),
                    "{}",
                    List.of(),
                    dir.toString());
            ActivityFailure f = assertThrows(ActivityFailure.class, () -> a.train(t));
            ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
            assertEquals(DivergedException.TYPE, af.getType());
            assertTrue(af.isNonRetryable());
            assertEquals(
                    "train/cub/g/convnext/feat3/rotation_90/linear: training diverged: train loss NaN at epoch 3 batch 7"
                            + " with learning rate 1000.0; lower learning_rate",
                    af.getOriginalMessage());
            assertEquals(1, attempts.get(), "a diverged training is not retried");
        } finally {
            env.close();
        }
    }

    /** The train stage's activity type as a typed stub (the workflows schedule it untyped, by Stage.activityType). */
    @io.temporal.activity.ActivityInterface
    public interface TrainActivity {
        @io.temporal.activity.ActivityMethod(name = "train")
        NodeResult train(NodeTask task);
    }
}
