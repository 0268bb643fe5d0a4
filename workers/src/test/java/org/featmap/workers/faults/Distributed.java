package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A sweep on the real Temporal server with worker processes of its own, for the fault tests. */
final class Distributed {
    static final String QUEUES = "featmap-cpu,featmap-gpu,featmap-edit";

    final String temporal;
    final Path dir;
    final Path cfg;
    final Path store;
    int workers;

    Distributed(String temporal, Path dir, Path cfg, Path store) {
        this.temporal = temporal;
        this.dir = dir;
        this.cfg = cfg;
        this.store = store;
    }

    Process startWorker() throws IOException {
        Path log = dir.resolve("worker-" + ++workers + ".log");
        return Cli.start(
                List.of("worker", "--temporal", temporal, "--queues", QUEUES, "--workflows", "--slots", "2"),
                Map.of(),
                log);
    }

    /** Starts the sweep detached; returns its workflow id. */
    String startDetached() throws Exception {
        Path log = dir.resolve("start.log");
        assertEquals(
                0,
                Cli.run(
                        List.of(
                                "run",
                                cfg.toString(),
                                "--store",
                                store.toString(),
                                "--temporal",
                                temporal,
                                "--no-workers",
                                "--detach"),
                        Map.of(),
                        log,
                        Duration.ofMinutes(2)),
                Cli.tail(log));
        List<String> lines = Files.readAllLines(log);
        return lines.get(lines.size() - 1).trim();
    }

    /** Follows the running sweep to its end (a second `featmap run` attaches to it); returns the log. */
    Path follow(Duration timeout) throws Exception {
        Path log = dir.resolve("follow.log");
        int rc = Cli.run(
                List.of(
                        "run",
                        cfg.toString(),
                        "--store",
                        store.toString(),
                        "--temporal",
                        temporal,
                        "--no-workers",
                        "--quiet"),
                Map.of(),
                log,
                timeout);
        assertEquals(0, rc, Cli.tail(log));
        return log;
    }

    /** The LATEST file of the train node's resumable checkpoints, once it exists. */
    Optional<Path> trainCheckpoint() throws IOException {
        Path train = store.resolve(".work/train");
        if (!Files.isDirectory(train)) return Optional.empty();
        try (Stream<Path> s = Files.list(train)) {
            return s.map(k -> k.resolve("scratch/checkpoints/LATEST"))
                    .filter(Files::exists)
                    .findFirst();
        }
    }

    boolean trainCommitted() throws IOException {
        return TinySweep.manifests(store).keySet().stream().anyMatch(n -> n.startsWith("train/"));
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS))
                p.destroyForcibly().waitFor();
        }
    }

    /** Polls until cond holds; fails after timeout. */
    static void await(String what, Duration timeout, Duration every, Check cond) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.ok()) {
            if (System.nanoTime() > end) fail("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(every.toMillis());
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }
}
