package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.featmap.activities.metrics.StageMetrics;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.tracking.NodeRuns;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.tracking.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node outside of Temporal: cache check, compute, publish, commit. The activity adapter
 * and the stage commands of the CLI both go through here, so they write exactly the same thing.
 */
public final class NodeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);

    private NodeRunner() {}

    /**
     * @param checkpoint the last heartbeat's checkpoint of a previous attempt, or null
     */
    public static NodeResult run(
            NodeTask task,
            StageHandler handler,
            ArtifactStore store,
            Path workBase,
            Progress progress,
            Tracker tracker,
            String checkpoint)
            throws Exception {
        Path work = workBase.resolve(task.stage()).resolve(task.key());
        try (WorkLock lock = WorkLock.acquire(work, task.nodeId(), progress, checkpoint, LOCK_WAIT)) {
            return runLocked(task, handler, store, work, progress, tracker, checkpoint);
        }
    }

    /** How long a retried attempt waits for the attempt it replaces to stop (it does at its next heartbeat). */
    static final java.time.Duration LOCK_WAIT = java.time.Duration.ofMinutes(15);

    private static NodeResult runLocked(
            NodeTask task,
            StageHandler handler,
            ArtifactStore store,
            Path work,
            Progress progress,
            Tracker tracker,
            String checkpoint)
            throws Exception {
        Stage stage = Stage.of(task.stage());
        long start = System.nanoTime();
        Optional<NodeManifest> existing = store.manifest(task.stage(), task.key());
        if (existing.isPresent()) {
            Optional<String> problem =
                    CacheCheck.problem(store, existing.get()); // manifest and sizes; bytes are checked where read
            if (problem.isEmpty()) {
                // this execution lists the node too, linked to the run that computed it
                if (task.sweepRunId() != null && tracker != Tracker.NONE) NodeRuns.recordCached(tracker, task);
                StoreCheckpoints.afterCommit(
                        store, task.stage(), task.key()); // left over if a crash came between commit and delete
                StageMetrics.nodeFinished(
                        task.stage(),
                        true,
                        (System.nanoTime() - start) / 1e9,
                        existing.get().summary());
                return result(task, existing.get(), true, 0);
            }
            LOG.warn("{}: cached outputs cannot be used ({}); recomputing", task.nodeId(), problem.get());
            store.delete(task.stage(), task.key());
        }
        deleteTree(work.resolve("out")); // a previous attempt's unpublished outputs
        Tracker t = task.sweepRunId() == null ? Tracker.NONE : tracker;
        StageContext ctx = new StageContext(task, store, work, progress, t, checkpoint);
        long t0 = System.nanoTime();
        long startedAt = System.currentTimeMillis();
        boolean ok = false;
        if (task.sweepRunId() != null)
            ctx.trackingRun(); // every computed node has its run, with its params, from the start
        try {
            try {
                handler.compute(ctx);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause(); // from a listener (tracking inside a training loop): keep its retryable/refused
                // kind
            }
            ctx.flushMetrics();
            ok = true;
        } finally {
            ctx.release(); // the node's cached inputs may be evicted again
            if (!ok && ctx.runIdIfAny() != null) {
                try {
                    ctx.flushMetrics(); // what the failed attempt measured (a retry does not log those steps again)
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: could not send its last metrics: {}", task.nodeId(), e.getMessage());
                }
            }
            if (ctx.runIdIfAny() != null) {
                try {
                    t.finish(ctx.runIdIfAny(), ok);
                } catch (IOException e) {
                    LOG.warn("{}: could not close its tracking run: {}", task.nodeId(), e.getMessage());
                }
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, ArtifactRef> refs = publish(task, store, ctx.outDir());
        NodeManifest m = new NodeManifest(
                task.stage(), task.key(), stage.codeVersion(), refs, ctx.summary(), ctx.failures(), millis);
        store.commit(m);
        StoreCheckpoints.afterCommit(store, task.stage(), task.key()); // the node is whole: its epoch checkpoints go
        deleteTree(work);
        StageMetrics.nodeFinished(task.stage(), false, (System.nanoTime() - start) / 1e9, m.summary());
        return result(task, m, false, startedAt);
    }

    static NodeResult result(NodeTask task, NodeManifest m, boolean cached, long startedAt) {
        return new NodeResult(
                task.nodeId(),
                task.key(),
                cached,
                cached ? 0 : m.computeMillis(),
                m.summary(),
                m.failures(),
                cached ? 0 : startedAt);
    }

    private static Map<String, ArtifactRef> publish(NodeTask task, ArtifactStore store, Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        for (Path f : files) {
            String rel = out.relativize(f).toString().replace('\\', '/');
            ArtifactRef r = store instanceof LocalArtifactStore local
                    ? local.adopt(task.stage(), task.key(), rel, f)
                    : store.put(task.stage(), task.key(), rel, f);
            refs.put(rel, r);
        }
        return refs;
    }

    static void deleteTree(Path dir) throws IOException {
        LocalArtifactStore.deleteTree(dir);
    }
}
