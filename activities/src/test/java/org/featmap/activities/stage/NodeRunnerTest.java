package org.featmap.activities.stage;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRunnerTest {
    static NodeTask task(Path store) {
        return new NodeTask("s", null, "svd/x", "svd", "b".repeat(64), "{\"n\":3}", List.of(), store.toString());
    }

    @Test
    void computesOnceThenServesFromCache(@TempDir Path dir) throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir);
        AtomicInteger runs = new AtomicInteger();
        StageHandler h = ctx -> {
            runs.incrementAndGet();
            Files.writeString(ctx.outDir().resolve("out.txt"), "n=" + ctx.integer("n"));
            ctx.summary("n", ctx.integer("n"));
        };
        NodeResult r1 = NodeRunner.run(task(dir), h, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null);
        assertFalse(r1.cached());
        assertEquals("3", r1.summary().get("n"));
        NodeResult r2 = NodeRunner.run(task(dir), h, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null);
        assertTrue(r2.cached());
        assertEquals(1, runs.get());
        NodeManifest m = store.manifest("svd", "b".repeat(64)).orElseThrow();
        assertEquals("n=3", Files.readString(store.pathOf(m.artifacts().get("out.txt"))));
    }

    @Test
    void aTruncatedCachedArtifactIsRecomputed(@TempDir Path dir) throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir);
        AtomicInteger runs = new AtomicInteger();
        StageHandler h = ctx -> {
            runs.incrementAndGet();
            Files.writeString(ctx.outDir().resolve("out.txt"), "good");
        };
        NodeRunner.run(task(dir), h, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null);
        NodeManifest m = store.manifest("svd", "b".repeat(64)).orElseThrow();
        Files.writeString(store.pathOf(m.artifacts().get("out.txt")), "bad");
        NodeResult r = NodeRunner.run(task(dir), h, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null);
        assertFalse(r.cached());
        assertEquals(2, runs.get());
        assertEquals(
                "good", Files.readString(store.nodeDir("svd", "b".repeat(64)).resolve("out.txt")));
    }

    static NodeTask producer(Path store) {
        return new NodeTask("s", null, "svd/p", "svd", "p".repeat(64), "{}", List.of(), store.toString());
    }

    static NodeTask consumer(Path store) {
        return new NodeTask(
                "s",
                null,
                "wxb/c",
                "wxb",
                "c".repeat(64),
                "{}",
                List.of(new NodeTask.InputRef("in", "svd/p", "svd", "p".repeat(64))),
                store.toString());
    }

    /** Same-size corruption is not seen by the cache check (it reads no bytes) but by the node that reads the file. */
    void sameSizeCorruptionIsCaughtByTheReader(
            Path dir, org.featmap.core.store.ArtifactStore store, LocalArtifactStore local) throws Exception {
        AtomicInteger produced = new AtomicInteger();
        StageHandler produce = ctx -> {
            produced.incrementAndGet();
            Files.writeString(ctx.outDir().resolve("out.txt"), "good");
        };
        StageHandler consume = ctx -> Files.writeString(
                ctx.outDir().resolve("copy.txt"),
                Files.readString(ctx.inputDir("in").resolve("out.txt")));
        Path work = dir.resolve(".work");
        NodeRunner.run(producer(dir), produce, store, work, Progress.NONE, Tracker.NONE, null);
        NodeManifest m = local.manifest("svd", "p".repeat(64)).orElseThrow();
        Files.writeString(local.pathOf(m.artifacts().get("out.txt")), "evil");
        assertTrue(
                NodeRunner.run(producer(dir), produce, store, work, Progress.NONE, Tracker.NONE, null)
                        .cached(),
                "the producer's own cache check reads manifests and sizes only");
        CorruptInputException e = assertThrows(
                CorruptInputException.class,
                () -> NodeRunner.run(consumer(dir), consume, store, work, Progress.NONE, Tracker.NONE, null));
        assertEquals("svd/p", e.producerNodeId());
        assertTrue(
                e.getMessage().contains("wxb/c: input svd/p") && e.getMessage().contains("un-committed"),
                e.getMessage());
        assertTrue(local.manifest("svd", "p".repeat(64)).isEmpty(), "the producer is un-committed");
        assertTrue(local.manifest("wxb", "c".repeat(64)).isEmpty());
        // the next launch recomputes the producer, then the consumer reads good bytes
        assertFalse(NodeRunner.run(producer(dir), produce, store, work, Progress.NONE, Tracker.NONE, null)
                .cached());
        assertEquals(2, produced.get());
        NodeRunner.run(consumer(dir), consume, store, work, Progress.NONE, Tracker.NONE, null);
        assertEquals(
                "good", Files.readString(local.nodeDir("wxb", "c".repeat(64)).resolve("copy.txt")));
    }

    @Test
    void sameSizeCorruptionIsCaughtByTheReaderOfALocalStore(@TempDir Path dir) throws Exception {
        LocalArtifactStore local = new LocalArtifactStore(dir);
        sameSizeCorruptionIsCaughtByTheReader(dir, local, local);
    }

    @Test
    void sameSizeCorruptionIsCaughtByTheReaderOfARemoteStore(@TempDir Path dir) throws Exception {
        LocalArtifactStore local = new LocalArtifactStore(dir.resolve("store"));
        sameSizeCorruptionIsCaughtByTheReader(dir, new CountingStore(local), local);
    }

    @Test
    void aNodeFetchesOnlyTheArtifactsItReads(@TempDir Path dir) throws Exception {
        LocalArtifactStore local = new LocalArtifactStore(dir.resolve("store"));
        CountingStore store = new CountingStore(local);
        StageHandler produce = ctx -> {
            for (String layer : List.of("feat0", "feat1", "feat2")) {
                Path d = ctx.outDir().resolve("features").resolve(layer);
                Files.createDirectories(d);
                Files.write(d.resolve("part-00000.arrow"), new byte[1000]);
                Files.write(d.resolve("store.json"), new byte[10]);
            }
        };
        Path work = dir.resolve(".work");
        NodeRunner.run(producer(dir), produce, store, work, Progress.NONE, Tracker.NONE, null);
        long[] fetched = new long[1];
        StageHandler consume = ctx -> {
            Path in = ctx.inputDir("in", "features/feat1/");
            assertTrue(Files.isRegularFile(in.resolve("features/feat1/part-00000.arrow")));
            assertFalse(Files.exists(in.resolve("features/feat0")), "other layers are not fetched");
            fetched[0] = ctx.fetchedBytes();
            Files.writeString(ctx.outDir().resolve("ok.txt"), "ok");
        };
        int before = store.fetches.get();
        NodeRunner.run(consumer(dir), consume, store, work, Progress.NONE, Tracker.NONE, null);
        assertEquals(2, store.fetches.get() - before, "the layer's two files");
        assertEquals(1010, fetched[0]);
    }

    /**
     * Issue #13 item 3 (6c): a cell fetches the originals' and its manipulation's partitions of one layer — 2 of the 13
     * of the paper's direct source — not the layer's other partitions nor other layers; an extraction in the single-store
     * layout of earlier versions is fetched whole (one layer).
     */
    @Test
    void aCellFetchesOnlyTheOriginalsAndItsManipulation(@TempDir Path dir) throws Exception {
        LocalArtifactStore local = new LocalArtifactStore(dir.resolve("store"));
        CountingStore store = new CountingStore(local);
        List<String> manips = List.of(
                "resized",
                "rotation_90",
                "rotation_180",
                "rotation_270",
                "mirror_h",
                "mirror_v",
                "grayscale",
                "hue_shift_60",
                "noise_40",
                "mask_big_square_center",
                "mask_small_square_center",
                "mask_top_left_square",
                "mask_bottom_right_square");
        StageHandler produce = ctx -> {
            for (String layer : List.of("feat0", "feat3"))
                for (String m : manips) {
                    Path d = ctx.outDir()
                            .resolve("features")
                            .resolve(layer)
                            .resolve(org.featmap.ml.features.FeaturePartitions.dirName(m));
                    Files.createDirectories(d);
                    Files.write(d.resolve("part-00000.arrow"), new byte[1000]);
                    Files.write(d.resolve("store.json"), new byte[10]);
                }
        };
        Path work = dir.resolve(".work");
        NodeRunner.run(producer(dir), produce, store, work, Progress.NONE, Tracker.NONE, null);
        NodeTask cell = new NodeTask(
                "s",
                null,
                "train/c",
                "train",
                "c".repeat(64),
                "{}",
                List.of(new NodeTask.InputRef("features", "svd/p", "svd", "p".repeat(64))),
                dir.toString());
        long[] fetched = new long[1];
        StageHandler consume = ctx -> {
            Path layer = FeatureInputs.layerStore(ctx, "feat3", "resized", "rotation_90");
            try (var s = Files.list(layer)) {
                assertEquals(
                        List.of("resized", "rotation_90"),
                        s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertFalse(Files.exists(layer.resolveSibling("feat0")), "other layers are not fetched");
            fetched[0] = ctx.fetchedBytes();
            Files.writeString(ctx.outDir().resolve("ok.txt"), "ok");
        };
        int before = store.fetches.get();
        NodeRunner.run(cell, consume, store, work, Progress.NONE, Tracker.NONE, null);
        assertEquals(4, store.fetches.get() - before, "two partitions of two files");
        assertEquals(2 * 1010, fetched[0], "2/13 of the layer's bytes");
    }

    @Test
    void aCrashLeavesNothingThatLooksFinished(@TempDir Path dir) throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir);
        StageHandler crash = ctx -> {
            Files.writeString(ctx.outDir().resolve("half.txt"), "partial");
            throw new IllegalStateException("worker died");
        };
        assertThrows(
                IllegalStateException.class,
                () -> NodeRunner.run(task(dir), crash, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null));
        assertTrue(store.manifest("svd", "b".repeat(64)).isEmpty());
        StageHandler ok = ctx -> Files.writeString(ctx.outDir().resolve("whole.txt"), "done");
        NodeRunner.run(task(dir), ok, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null);
        assertEquals(
                List.of("whole.txt"), store.list("svd", "b".repeat(64)), "the partial output of the crash is gone");
    }

    @Test
    void aNodeRunGoesToItsParentsExperimentNotOneNamedAfterTheSweep(@TempDir Path dir) throws Exception {
        org.featmap.activities.tracking.InMemoryTracker tracker = new org.featmap.activities.tracking.InMemoryTracker();
        String exp = tracker.experiment("my-study"); // tracking.experiment differs from the sweep name "s"
        String parent = tracker.run(exp, java.util.Map.of("featmap.execution", "exec-1"), "s", java.util.Map.of());
        NodeTask t = new NodeTask("s", parent, "svd/x", "svd", "b".repeat(64), "{\"n\":3}", List.of(), dir.toString());
        StageHandler h = ctx -> ctx.tracker().logMetric(ctx.trackingRun(), "m", 1, 0);
        NodeRunner.run(t, h, new LocalArtifactStore(dir), dir.resolve(".work"), Progress.NONE, tracker, null);
        org.featmap.activities.tracking.InMemoryTracker.Run child = tracker.runs().stream()
                .filter(r -> "b".repeat(64).equals(r.tags.get("featmap.cellKey")))
                .findFirst()
                .orElseThrow();
        assertEquals(exp, child.experimentId);
        assertEquals(parent, child.tags.get("mlflow.parentRunId"));
    }

    @Test
    void aRetriedAttemptWaitsForTheAttemptItReplacesThenFindsItsResult(@TempDir Path dir) throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir);
        AtomicInteger computes = new AtomicInteger();
        java.util.concurrent.CountDownLatch waiterHeartbeats = new java.util.concurrent.CountDownLatch(2);
        StageHandler slow = ctx -> {
            computes.incrementAndGet();
            Files.writeString(ctx.outDir().resolve("out.txt"), "first");
            // the zombie attempt keeps writing until the retry is seen waiting (and heartbeating) for it
            assertTrue(waiterHeartbeats.await(30, java.util.concurrent.TimeUnit.SECONDS));
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<NodeResult> first = pool.submit(() ->
                    NodeRunner.run(task(dir), slow, store, dir.resolve(".work"), Progress.NONE, Tracker.NONE, null));
            while (computes.get() == 0) Thread.sleep(10);
            Progress waiting = (done, total, checkpoint) -> {
                assertEquals("epoch=3", checkpoint, "the waiter keeps the previous attempt's checkpoint");
                waiterHeartbeats.countDown();
            };
            NodeResult retry = NodeRunner.run(
                    task(dir),
                    ctx -> computes.incrementAndGet(),
                    store,
                    dir.resolve(".work"),
                    waiting,
                    Tracker.NONE,
                    "epoch=3");
            assertFalse(first.get().cached());
            assertTrue(
                    retry.cached(), "the retry finds the finished attempt's result instead of recomputing beside it");
            assertEquals(1, computes.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
