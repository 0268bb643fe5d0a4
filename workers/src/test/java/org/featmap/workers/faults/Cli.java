package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the built {@code featmap} command as a separate JVM (the jar of {@code mvn package} plus
 * {@code workers/target/lib}), the way a user or a worker pod does, so fault tests can kill it.
 */
final class Cli {
    private Cli() {}

    /** The repository root (failsafe runs with the module folder as working directory). */
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("workers")) ? here : here.getParent();
    }

    /** A fresh folder under workers/target/faults/ (kept after the run for inspection). */
    static Path workDir(String name) throws IOException {
        Path d = repo().resolve("workers/target/faults").resolve(name);
        if (Files.exists(d))
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        return Files.createDirectories(d);
    }

    static Path jar() throws IOException {
        Path target = repo().resolve("workers/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("featmap-workers-.*\\.jar")
                            && !p.getFileName().toString().contains("tests"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no featmap-workers jar in " + target + "; run mvn -DskipTests package"));
        }
    }

    static Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
        return start(List.of(), args, env, log);
    }

    /** As {@link #start(List, Map, Path)}, the JVM started through {@code prefix} (e.g. {@code ip netns exec NS}). */
    static Process start(List<String> prefix, List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Djava.awt.headless=true",
                "-cp",
                jar() + ":" + repo().resolve("workers/target/lib") + "/*",
                "org.featmap.workers.Featmap"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(repo().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_") || k.equals("FEATMAP_STORE"));
        // the services the test asked for (Testcontainers' addresses; nothing for infra/local, found by featmap itself)
        pb.environment().putAll(ServiceBackends.currentEnv());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs to the end; returns the exit code; fails (killing it) after {@code timeout}. */
    static int run(List<String> args, Map<String, String> env, Path log, Duration timeout) throws Exception {
        Process p = start(args, env, log);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            fail("featmap " + String.join(" ", args) + " did not finish in " + timeout + "; log:\n" + tail(log));
        }
        return p.exitValue();
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The (computed, cache hits) of the last "nodes: N done (C computed, H cache hits)" line. */
    static int[] computedAndHits(Path log) throws IOException {
        Matcher m = Pattern.compile("nodes: (\\d+) done \\((\\d+) computed, (\\d+) cache hits\\)")
                .matcher(Files.readString(log));
        int[] last = null;
        while (m.find()) last = new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        assertNotNull(last, "no summary line in the run's output:\n" + tail(log));
        return last;
    }
}
