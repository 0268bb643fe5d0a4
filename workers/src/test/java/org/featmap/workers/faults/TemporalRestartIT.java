package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import org.featmap.workers.faults.ServiceBackend.Service;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3: stop and restart the Temporal server (dev server, SQLite file) mid-sweep; the
 * worker reconnects, the sweep continues from its persisted history and completes.
 */
class TemporalRestartIT {
    @Test
    void sweepCompletesAcrossATemporalServerRestart() throws Exception {
        String temporal = FaultServices.requireTemporal();
        ServiceBackend services = FaultServices.backend();
        Path dir = Cli.workDir("temporal-restart");
        Path cfg = TinySweep.write(dir, "restart", dir.resolve("unused-store"), 16, 40);
        Distributed d = new Distributed(temporal, dir, cfg, dir.resolve("store"));
        Process w = d.startWorker();
        try {
            long t0 = System.nanoTime();
            String id = d.startDetached();
            Distributed.await(
                    "the first committed nodes",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(100),
                    () -> TinySweep.manifests(d.store).size() >= 2 || !w.isAlive());
            int committedAtStop = TinySweep.manifests(d.store).size();
            assertTrue(services.stop(Service.TEMPORAL), "stopping Temporal failed");
            assertFalse(services.isUp(Service.TEMPORAL), "the server still answers after stop");
            long down = System.nanoTime();
            Thread.sleep(8000); // the sweep's activities keep computing; their reports must wait for the server
            assertTrue(services.start(Service.TEMPORAL), "starting Temporal again failed");
            double outage = (System.nanoTime() - down) / 1e9;
            assertTrue(
                    w.isAlive(), "the worker died while the server was down: " + Cli.tail(dir.resolve("worker-1.log")));
            Path follow = d.follow(Duration.ofMinutes(3));
            int[] ch = Cli.computedAndHits(follow);
            assertEquals(6, ch[0] + ch[1], "all 6 nodes of the tiny sweep are done: " + Cli.tail(follow));
            assertEquals(6, TinySweep.manifests(d.store).size());
            System.out.printf(
                    "TemporalRestartIT: sweep %s, server down %.1f s after %d of 6 nodes were committed; completed in %.1f s%n",
                    id, outage, committedAtStop, (System.nanoTime() - t0) / 1e9);
        } finally {
            services.start(Service.TEMPORAL);
            Distributed.stop(w);
        }
    }
}
