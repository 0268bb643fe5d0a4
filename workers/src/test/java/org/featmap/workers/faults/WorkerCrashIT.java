package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3: kill -9 the worker process while a training activity runs; a new worker takes over,
 * the sweep completes, training resumes from its epoch checkpoint, the result equals an uninterrupted
 * run's, and no node finished before the crash is recomputed. Real Temporal dev server (infra/local).
 */
class WorkerCrashIT {
  static final int EPOCHS = 40;

  private static Path refStore;

  @Test
  void killedAfterTheFirstEpochCheckpoint() throws Exception {
    crashAndResume("worker-crash", 0);
  }

  @Test
  void killedMidTraining() throws Exception {
    crashAndResume("worker-crash-mid", 10);
  }

  /** The uninterrupted reference (in-process Temporal, its own store), run once for both kill points. */
  static synchronized Path reference(Path cfg) throws Exception {
    if (refStore != null) return refStore;
    Path dir = Cli.workDir("worker-crash-reference");
    Path store = dir.resolve("store");
    Path log = dir.resolve("reference.log");
    assertEquals(0, Cli.run(List.of("run", cfg.toString(), "--store", store.toString(), "--quiet"), Map.of(), log,
        Duration.ofMinutes(3)), Cli.tail(log));
    return refStore = store;
  }

  /** Kills the worker once the train node's LATEST checkpoint is epoch {@code killAtEpoch} or later. */
  void crashAndResume(String name, int killAtEpoch) throws Exception {
    String temporal = FaultServices.requireTemporal();
    Path dir = Cli.workDir(name);
    Path cfg = TinySweep.write(dir, "crash", dir.resolve("unused-store"), 16, EPOCHS);
    Path refStore = reference(cfg);
    JsonNode ref = trainSummary(refStore);
    assertEquals("-1", ref.get("resumed_from_epoch").asText(), "the reference did not resume");

    Distributed d = new Distributed(temporal, dir, cfg, dir.resolve("store"));
    Process w1 = d.startWorker();
    Process w2 = null;
    try {
      long t0 = System.nanoTime();
      String id = d.startDetached();
      Distributed.await("a train epoch checkpoint", Duration.ofMinutes(3), Duration.ofMillis(20),
          () -> d.trainCommitted() || !w1.isAlive() || d.trainCheckpoint().isPresent()
              && epochOf(Files.readString(d.trainCheckpoint().get())) >= killAtEpoch);
      assertTrue(w1.isAlive(), "worker 1 died on its own: " + Cli.tail(dir.resolve("worker-1.log")));
      Map<String, byte[]> before = TinySweep.manifestBytes(d.store);
      String ckptAtKill = Files.readString(d.trainCheckpoint().orElseThrow()).trim();
      w1.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no activity failure reported
      assertFalse(d.trainCommitted(), "training finished before the kill; make it longer");
      long killedAt = System.nanoTime();

      w2 = d.startWorker();
      Path follow = d.follow(Duration.ofMinutes(3));
      double recovery = (System.nanoTime() - killedAt) / 1e9;

      JsonNode got = trainSummary(d.store);
      int resumed = got.get("resumed_from_epoch").asInt();
      assertTrue(resumed >= 0, "the retried train activity did not resume: " + got);
      double a = ref.get("best_val_loss").asDouble(), b = got.get("best_val_loss").asDouble();
      assertEquals(a, b, 1e-6, "best_val_loss differs from the uninterrupted run's");
      assertEquals(ref.get("best_epoch").asText(), got.get("best_epoch").asText());
      assertEquals(ref.get("epochs_run").asText(), got.get("epochs_run").asText());
      Map<String, byte[]> after = TinySweep.manifestBytes(d.store);
      for (var e : before.entrySet()) assertArrayEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was recomputed");
      int[] ch = Cli.computedAndHits(follow);
      assertEquals(TinySweep.manifests(refStore).size(), ch[0] + ch[1]);
      System.out.printf("WorkerCrashIT[" + name + "]: sweep %s, killed worker at checkpoint %s, %d nodes committed before the kill kept, "
          + "resumed_from_epoch=%d, best_val_loss %s vs reference %s (|diff| %.3g), recovered in %.1f s, total %.1f s%n",
          id, ckptAtKill, before.size(), resumed, b, a, Math.abs(a - b), recovery, (System.nanoTime() - t0) / 1e9);
    } finally {
      if (w1.isAlive()) w1.destroyForcibly();
      Distributed.stop(w2);
    }
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
    return m.entrySet().stream().filter(e -> e.getKey().startsWith("train/")).findFirst()
        .orElseThrow(() -> new AssertionError("no committed train node in " + m.keySet())).getValue().get("summary");
  }
}
