package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #16 item 3: one line per check, what to fix on a failure, exit 0 / 3. */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    @Test
    void thisMachinePassesWithALocalStore() {
        PreflightTest.Captured r =
                PreflightTest.capture("doctor", "--store", tmp.resolve("store").toString());
        assertEquals(0, r.rc(), r.out() + r.err());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(
                                l -> l.startsWith("ok    engine    DJL ") && l.contains("PyTorch 2.7.1 (libtorch cpu")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok    devices   cpu (")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok    matmul    cpu: 256×256 float32")), r.out());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.startsWith("ok    store     file:")
                                && l.endsWith("wrote, read back and deleted a probe")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("skip  temporal")), r.out());
        assertTrue(r.out().contains("all checks passed"), r.out());
        assertTrue(Files.isDirectory(tmp.resolve("store")));
    }

    @Test
    void unreachableServicesAndAMissingGpuAreFailuresWithWhatToFix() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("ro"));
        Files.writeString(tmp.resolve("ro/doctor"), "a file where the probe's folder would go");
        PreflightTest.Captured r = PreflightTest.capture(
                "doctor",
                "--device",
                "gpu",
                "--store",
                readOnly.toString(),
                "--temporal",
                "127.0.0.1:1",
                "--mlflow",
                "http://127.0.0.1:1");
        assertEquals(3, r.rc(), r.out() + r.err());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.startsWith("FAIL  devices")
                                && l.contains("no GPU visible to libtorch cpu")
                                && l.contains("PYTORCH_FLAVOR=cu128")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  store     " + readOnly)), r.out());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.startsWith("FAIL  temporal  127.0.0.1:1: ")
                                && l.contains("infra/local/services.sh start")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  mlflow    http://127.0.0.1:1: ")), r.out());
        assertTrue(r.out().contains("some checks failed"), r.out());
        PreflightTest.Captured bad = PreflightTest.capture("doctor", "--device", "tpu");
        assertEquals(2, bad.rc());
    }
}
