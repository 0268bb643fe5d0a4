package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3: {@code featmap cancel} stops a running training activity within its heartbeat
 * timeout (5 s in the config): its per-epoch checkpoint stops advancing, the worker stays alive.
 */
class CancelIT {
    static final int HEARTBEAT_SECONDS = 5;

    @Test
    void cancelStopsTheRunningTrainActivity() throws Exception {
        String temporal = FaultServices.requireTemporal();
        Path dir = Cli.workDir("cancel");
        Path cfg = TinySweep.write(dir, "cancel", dir.resolve("unused-store"), 16, 100_000); // would train for hours
        Distributed d = new Distributed(temporal, dir, cfg, dir.resolve("store"));
        Process w = d.startWorker();
        try {
            String id = d.startDetached();
            Distributed.await(
                    "a train epoch checkpoint",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(100),
                    () -> d.trainCheckpoint().isPresent() || !w.isAlive());
            Path latest = d.trainCheckpoint().orElseThrow();
            Distributed.await(
                    "training to advance",
                    Duration.ofMinutes(1),
                    Duration.ofMillis(100),
                    () -> !Files.readString(latest).trim().equals("epoch-0000"));
            Path log = dir.resolve("cancel.log");
            long t0 = System.nanoTime();
            assertEquals(
                    0,
                    Cli.run(List.of("cancel", id, "--temporal", temporal), Map.of(), log, Duration.ofMinutes(1)),
                    Cli.tail(log));
            double cancelCmd = (System.nanoTime() - t0) / 1e9;
            // the last epoch that finished: poll until it stops moving, then wait as long again to be sure
            String last = Files.readString(latest).trim();
            long lastChange = System.nanoTime();
            while ((System.nanoTime() - lastChange) / 1e9 < 2.0 * HEARTBEAT_SECONDS + 5) {
                Thread.sleep(200);
                String now = Files.exists(latest) ? Files.readString(latest).trim() : last;
                if (!now.equals(last)) {
                    last = now;
                    lastChange = System.nanoTime();
                }
                assertTrue(
                        (System.nanoTime() - t0) / 1e9 < 120,
                        "training still advances 2 minutes after cancel: " + last);
            }
            double stoppedAfter = Math.max(0, (lastChange - t0) / 1e9);
            assertTrue(
                    stoppedAfter <= HEARTBEAT_SECONDS + cancelCmd + 3,
                    "training advanced for " + stoppedAfter + " s after the cancel request (heartbeat timeout "
                            + HEARTBEAT_SECONDS + " s)");
            assertFalse(d.trainCommitted(), "the cancelled train node was committed");
            assertTrue(w.isAlive(), "the worker died: " + Cli.tail(dir.resolve("worker-1.log")));
            Path status = dir.resolve("status.log");
            Cli.run(List.of("status", id, "--temporal", temporal), Map.of(), status, Duration.ofMinutes(1));
            System.out.printf(
                    "CancelIT: sweep %s, cancel command %.1f s, last epoch checkpoint %s written %.1f s after the request; status: %s%n",
                    id,
                    cancelCmd,
                    last,
                    stoppedAfter,
                    Files.readString(status)
                            .lines()
                            .filter(l -> l.contains("sweep") || l.contains("ancel"))
                            .findFirst()
                            .orElse("?"));
        } finally {
            Distributed.stop(w);
        }
    }
}
