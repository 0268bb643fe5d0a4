package org.featmap.activities.stage;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.DynamicActivity;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.Map;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.store.Stores;
import org.featmap.core.config.ConfigException;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.tracking.Tracker;

/**
 * The activity adapter of every stage: one {@link DynamicActivity} that answers each stage's activity type
 * ({@link org.featmap.core.stage.Stage#activityType()}, its id) with the same thin path (cache check, compute
 * through the stage's {@link StageHandler}, publish, commit), with heartbeats carrying progress and the last
 * checkpoint so a retried attempt resumes. A new stage needs no method here, only its handler in
 * {@code org.featmap.activities.handlers.Handlers}. Registered beside {@link SweepActivitiesImpl}, whose typed
 * methods take precedence over it.
 */
public final class StageActivitiesImpl implements DynamicActivity {
    private final Map<String, StageHandler> handlers;
    private final Tracker tracker;
    private final Path workBase;

    /** Heartbeat details: progress and a resumable checkpoint. */
    public record Beat(long done, long total, String checkpoint) {}

    /**
     * @param workBase local scratch folder for stores that are not local (null: inside a local store)
     */
    public StageActivitiesImpl(Map<String, StageHandler> handlers, Tracker tracker, Path workBase) {
        this.handlers = Map.copyOf(handlers);
        this.tracker = tracker;
        this.workBase = workBase;
    }

    @Override
    public Object execute(EncodedValues args) {
        ActivityExecutionContext ctx = Activity.getExecutionContext();
        String type = ctx.getInfo().getActivityType();
        if (!handlers.containsKey(type))
            throw ApplicationFailure.newNonRetryableFailure(
                    "stage " + type + " is not available yet", "StageUnavailable");
        return execute(args.get(0, NodeTask.class), ctx);
    }

    NodeResult execute(NodeTask given, ActivityExecutionContext ctx) {
        NodeTask task = given;
        StageHandler h = handlers.get(task.stage());
        if (h == null)
            throw ApplicationFailure.newNonRetryableFailure(
                    "stage " + task.stage() + " is not available yet", "StageUnavailable");
        String checkpoint =
                ctx.getHeartbeatDetails(Beat.class).map(Beat::checkpoint).orElse(null);
        Progress progress = (done, total, ckpt) -> ctx.heartbeat(new Beat(done, total, ckpt));
        try (ArtifactStore store = Stores.open(task.storeUri())) {
            task = SweepActivitiesImpl.expandInputs(task, store); // the report of a bounded sweep: inputs by reference
            Path base = store instanceof LocalArtifactStore l ? l.root().resolve(".work") : workBase;
            return NodeRunner.run(task, h, store, base, progress, tracker, checkpoint);
        } catch (BadInputException | ConfigException | IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure(task.nodeId() + ": " + e.getMessage(), "BadInput");
        } catch (CorruptInputException e) {
            // an input's bytes do not match its manifest: reading them again gives the same; its producer is
            // un-committed
            throw ApplicationFailure.newNonRetryableFailure(
                    e.getMessage(), CorruptInputException.TYPE, e.producerNodeId());
        } catch (org.featmap.core.contract.DivergedException e) {
            // a NaN/Inf loss: a retry resumes from the last checkpoint into the same value (issue #14)
            throw ApplicationFailure.newNonRetryableFailure(
                    task.nodeId() + ": " + e.getMessage(), org.featmap.core.contract.DivergedException.TYPE);
        } catch (org.featmap.activities.tracking.MlflowApiException e) {
            // the tracking server refused the request (4xx): the same request will be refused again
            throw ApplicationFailure.newNonRetryableFailure(task.nodeId() + ": " + e.getMessage(), "TrackingRefused");
        } catch (io.temporal.client.ActivityCompletionException e) {
            throw e; // cancelled or timed out: let Temporal see it
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw Activity.wrap(e);
        }
    }
}
