package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 3 / #13 item 2: a cached artifact whose bytes no longer match its sha256 is detected by
 * {@code featmap verify} and recomputed by the next run; every other node stays a cache hit. Runs the real CLI with its in-process Temporal.
 */
class CorruptArtifactIT {
    @Test
    void corruptedFileOfAFinishedNodeIsRecomputedAndNothingElse() throws Exception {
        Path tmp = Cli.workDir("corrupt");
        Path store = tmp.resolve("store");
        Path cfg = TinySweep.write(tmp, "corrupt", store, 6, 2);
        Path log1 = tmp.resolve("run1.log");
        assertEquals(
                0,
                Cli.run(List.of("run", cfg.toString(), "--quiet"), Map.of(), log1, Duration.ofMinutes(3)),
                Cli.tail(log1));
        int[] first = Cli.computedAndHits(log1);
        Map<String, byte[]> before = TinySweep.manifestBytes(store);
        assertEquals(first[0], before.size(), "every computed node has a manifest");

        // a mid-graph node (its outputs feed later nodes): the manipulated images
        String victim = before.keySet().stream()
                .filter(n -> n.startsWith("manipulate/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no manipulate node in " + before.keySet()));
        Path file;
        try (Stream<Path> s = Files.walk(store.resolve(victim))) {
            file = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("manifest.json"))
                    .max(Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
        String goodSha = Sha256.hex(Files.readAllBytes(file));
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) { // same size, different bytes
            for (long pos : new long[] {size / 3, size / 2, size - 1}) {
                raf.seek(pos);
                int b = raf.read();
                raf.seek(pos);
                raf.write(b ^ 0xFF);
            }
        }
        assertEquals(size, Files.size(file));
        assertNotEquals(goodSha, Sha256.hex(Files.readAllBytes(file)));

        // A launch checks manifests only (issue #13): same-size corruption of a node nobody reads again is
        // found by the on-demand byte check, which un-commits the node.
        Path logV = tmp.resolve("verify.log");
        assertEquals(
                1, Cli.run(List.of("verify", cfg.toString()), Map.of(), logV, Duration.ofMinutes(3)), Cli.tail(logV));
        assertTrue(Files.readString(logV).contains(" is corrupt: sha256 "), Cli.tail(logV));
        assertTrue(Files.readString(logV).contains("1 corrupt"), Cli.tail(logV));
        assertFalse(
                Files.exists(store.resolve(victim).resolve("manifest.json")), "verify un-committed the corrupt node");

        Path log2 = tmp.resolve("run2.log");
        assertEquals(
                0,
                Cli.run(List.of("run", cfg.toString(), "--quiet"), Map.of(), log2, Duration.ofMinutes(3)),
                Cli.tail(log2));
        int[] second = Cli.computedAndHits(log2);
        assertEquals(1, second[0], "only the corrupted node is recomputed: " + Cli.tail(log2));
        assertEquals(first[0] - 1, second[1], "every other node is a cache hit");
        assertEquals(goodSha, Sha256.hex(Files.readAllBytes(file)), "the recomputed file is the original");
        Map<String, byte[]> after = TinySweep.manifestBytes(store);
        assertEquals(before.keySet(), after.keySet());
        for (String node : before.keySet())
            if (!node.equals(victim)) assertArrayEquals(before.get(node), after.get(node), node + " was rewritten");
        System.out.printf(
                "CorruptArtifactIT: %d nodes, corrupted %s (%s, %d bytes), recomputed 1, cache hits %d%n",
                first[0], victim, store.resolve(victim).relativize(file), size, second[1]);
    }
}
