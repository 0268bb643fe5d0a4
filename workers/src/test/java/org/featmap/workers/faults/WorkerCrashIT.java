package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3: kill -9 the worker process while a training activity runs; a new worker takes over,
 * the sweep completes, training resumes from its epoch checkpoint, the result equals an uninterrupted
 * run's, no node finished before the crash is recomputed, and no MLflow run is duplicated: the sweep's
 * experiment holds one sweep run and one run per featmap.cellKey, and the resumed training run's val_loss
 * history has every epoch, each value (re-logged ones too) equal to the uninterrupted run's. Real
 * Temporal and MLflow servers ({@link ServiceBackends}: infra/local, or Testcontainers).
 */
class WorkerCrashIT {
    static final int EPOCHS = 40;

    /** The uninterrupted run: its store and its own MLflow experiment (the sweep name). */
    record Reference(Path store, String experiment) {}

    private static Reference reference;

    @Test
    void killedAfterTheFirstEpochCheckpoint() throws Exception {
        crashAndResume("worker-crash", 0);
    }

    @Test
    void killedMidTraining() throws Exception {
        crashAndResume("worker-crash-mid", 10);
    }

    /**
     * The uninterrupted reference (in-process Temporal, its own store), run once for both kill points. Its
     * sweep has its own name, hence its own MLflow experiment: with the crash run's name, the crash run
     * would reuse the reference's runs (found by featmap.cellKey) and prove nothing about duplicates.
     */
    static synchronized Reference reference(URI mlflow) throws Exception {
        if (reference != null) return reference;
        Path dir = Cli.workDir("worker-crash-reference");
        String name = "crash-ref-" + System.currentTimeMillis();
        Path cfg = TinySweep.write(dir, name, dir.resolve("unused-store"), 16, EPOCHS);
        Path store = dir.resolve("store");
        Path log = dir.resolve("reference.log");
        assertEquals(
                0,
                Cli.run(
                        List.of("run", cfg.toString(), "--store", store.toString(), "--quiet"),
                        Map.of(),
                        log,
                        Duration.ofMinutes(3)),
                Cli.tail(log));
        assertTrue(
                FaultServices.trackedTo(Files.readString(log), mlflow),
                "the reference was not tracked to " + mlflow + ": " + Cli.tail(log));
        return reference = new Reference(store, name);
    }

    /** Kills the worker once the train node's LATEST checkpoint is epoch {@code killAtEpoch} or later. */
    void crashAndResume(String name, int killAtEpoch) throws Exception {
        String temporal = FaultServices.requireTemporal();
        URI mlflow = FaultServices.requireMlflow();
        Path dir = Cli.workDir(name);
        Reference reference = reference(mlflow);
        Path refStore = reference.store();
        // A fresh experiment per run: MLflow's database outlives the test, and runs are found again by cellKey.
        String sweep = name + "-" + System.currentTimeMillis();
        Path cfg = TinySweep.write(dir, sweep, dir.resolve("unused-store"), 16, EPOCHS);
        JsonNode ref = trainSummary(refStore);
        assertEquals("-1", ref.get("resumed_from_epoch").asText(), "the reference did not resume");

        Distributed d = new Distributed(temporal, dir, cfg, dir.resolve("store"));
        Process w1 = d.startWorker();
        Process w2 = null;
        try {
            long t0 = System.nanoTime();
            String id = d.startDetached();
            Distributed.await(
                    "a train epoch checkpoint",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(20),
                    () -> d.trainCommitted()
                            || !w1.isAlive()
                            || d.trainCheckpoint().isPresent()
                                    && epochOf(Files.readString(
                                                    d.trainCheckpoint().get()))
                                            >= killAtEpoch);
            assertTrue(w1.isAlive(), "worker 1 died on its own: " + Cli.tail(dir.resolve("worker-1.log")));
            Map<String, byte[]> before = TinySweep.manifestBytes(d.store);
            String ckptAtKill =
                    Files.readString(d.trainCheckpoint().orElseThrow()).trim();
            w1.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no activity failure reported
            assertFalse(d.trainCommitted(), "training finished before the kill; make it longer");
            long killedAt = System.nanoTime();

            w2 = d.startWorker();
            Path follow = d.follow(Duration.ofMinutes(3));
            double recovery = (System.nanoTime() - killedAt) / 1e9;

            JsonNode got = trainSummary(d.store);
            int resumed = got.get("resumed_from_epoch").asInt();
            assertTrue(resumed >= 0, "the retried train activity did not resume: " + got);
            double a = ref.get("best_val_loss").asDouble(),
                    b = got.get("best_val_loss").asDouble();
            assertEquals(a, b, 1e-6, "best_val_loss differs from the uninterrupted run's");
            assertEquals(ref.get("best_epoch").asText(), got.get("best_epoch").asText());
            assertEquals(ref.get("epochs_run").asText(), got.get("epochs_run").asText());
            Map<String, byte[]> after = TinySweep.manifestBytes(d.store);
            for (var e : before.entrySet())
                assertArrayEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was recomputed");
            int[] ch = Cli.computedAndHits(follow);
            assertEquals(TinySweep.manifests(refStore).size(), ch[0] + ch[1]);
            for (String w : List.of("worker-1.log", "worker-2.log"))
                assertTrue(
                        FaultServices.trackedTo(Files.readString(dir.resolve(w)), mlflow),
                        w + " does not track to " + mlflow + ": " + Cli.tail(dir.resolve(w)));
            String tracked = assertNoDuplicateRuns(new MlflowRuns(mlflow), sweep, reference.experiment());
            System.out.printf(
                    "WorkerCrashIT[" + name
                            + "]: sweep %s, killed worker at checkpoint %s, %d nodes committed before the kill kept, "
                            + "resumed_from_epoch=%d, best_val_loss %s vs reference %s (|diff| %.3g), recovered in %.1f s, total %.1f s; MLflow: %s%n",
                    id,
                    ckptAtKill,
                    before.size(),
                    resumed,
                    b,
                    a,
                    Math.abs(a - b),
                    recovery,
                    (System.nanoTime() - t0) / 1e9,
                    tracked);
        } finally {
            if (w1.isAlive()) w1.destroyForcibly();
            Distributed.stop(w2);
        }
    }

    /**
     * The crash run's experiment has one sweep run (no parent) and exactly one run per featmap.cellKey, all
     * FINISHED; the training run's val_loss history covers every epoch exactly once (an epoch re-run after
     * the resume is not logged again, issue #19), each value equal to the reference run's.
     * Returns a one-line summary.
     */
    static String assertNoDuplicateRuns(MlflowRuns api, String experiment, String referenceExperiment)
            throws Exception {
        return assertNoDuplicateRuns(api, experiment, referenceExperiment, EPOCHS);
    }

    /** As above, for a sweep of {@code epochs} training epochs. */
    static String assertNoDuplicateRuns(MlflowRuns api, String experiment, String referenceExperiment, int epochs)
            throws Exception {
        String exp = api.experimentId(experiment);
        assertNotNull(exp, "no MLflow experiment " + experiment);
        List<JsonNode> runs = api.runs(exp);
        Map<String, Integer> perCellKey = new TreeMap<>();
        for (JsonNode r : runs) perCellKey.merge(String.valueOf(MlflowRuns.tag(r, "featmap.cellKey")), 1, Integer::sum);
        perCellKey.forEach((k, n) ->
                assertEquals(1, n, "MLflow runs with featmap.cellKey " + k + " in " + experiment + ": " + perCellKey));
        List<JsonNode> parents = runs.stream()
                .filter(r -> MlflowRuns.tag(r, "mlflow.parentRunId") == null)
                .toList();
        assertEquals(1, parents.size(), "one sweep run in " + experiment + ": " + perCellKey);
        assertNotNull(
                MlflowRuns.tag(parents.get(0), "featmap.execution"),
                "the sweep run names its execution: " + parents.get(0));
        List<JsonNode> trains = runs.stream()
                .filter(r -> "train".equals(MlflowRuns.tag(r, "featmap.stage")))
                .toList();
        assertEquals(1, trains.size(), "one training run in " + experiment + ": " + perCellKey);
        for (JsonNode r : runs)
            assertEquals("FINISHED", r.path("info").path("status").asText(), r.toString());
        JsonNode train = trains.get(0);
        assertEquals(
                MlflowRuns.id(parents.get(0)),
                MlflowRuns.tag(train, "mlflow.parentRunId"),
                "the training run is a child of the sweep run");

        String refExp = api.experimentId(referenceExperiment);
        assertNotNull(refExp, "no MLflow experiment " + referenceExperiment + " (the reference run's)");
        List<JsonNode> refTrains = api.runs(refExp).stream()
                .filter(r -> "train".equals(MlflowRuns.tag(r, "featmap.stage")))
                .toList();
        assertEquals(1, refTrains.size(), "one training run in the reference experiment");
        Map<Long, List<Double>> got = api.history(MlflowRuns.id(train), "val_loss");
        Map<Long, List<Double>> want = api.history(MlflowRuns.id(refTrains.get(0)), "val_loss");
        assertEquals(epochs, want.size(), "the reference logs one val_loss step per epoch: " + want.keySet());
        want.values().forEach(v -> assertEquals(1, v.size(), "the uninterrupted run logged a step twice: " + want));
        assertEquals(want.keySet(), got.keySet(), "val_loss steps of the resumed run vs the uninterrupted run's");
        int relogged = 0;
        for (var e : want.entrySet()) {
            List<Double> values = got.get(e.getKey());
            relogged += values.size() - 1;
            for (double v : values)
                assertEquals(
                        e.getValue().get(0),
                        v,
                        1e-6,
                        "val_loss at step " + e.getKey() + ": " + values + " vs " + e.getValue());
        }
        assertEquals(0, relogged, "issue #19: a resumed attempt does not log an epoch twice: " + got);
        return String.format(
                "%d runs (1 sweep run, 1 per cellKey), val_loss steps %d..%d equal the reference's, %d re-logged on resume",
                runs.size(),
                got.keySet().stream().min(Long::compare).orElseThrow(),
                got.keySet().stream().max(Long::compare).orElseThrow(),
                relogged);
    }

    static int epochOf(String latest) {
        String t = latest.trim();
        try {
            return t.startsWith("epoch-") ? Integer.parseInt(t.substring(6)) : -1;
        } catch (NumberFormatException e) {
            return -1; // read while being replaced
        }
    }

    static JsonNode trainSummary(Path store) throws Exception {
        Map<String, JsonNode> m = TinySweep.manifests(store);
        return m.entrySet().stream()
                .filter(e -> e.getKey().startsWith("train/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no committed train node in " + m.keySet()))
                .getValue()
                .get("summary");
    }
}
