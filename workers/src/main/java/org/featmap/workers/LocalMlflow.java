package org.featmap.workers;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The MLflow server of the repository's {@code infra/local/} (issue #8 item 2): used by {@code featmap
 * run} when no tracking URI is given. Found next to the current folder or the jar; started (with the S3
 * server its artifacts live in) when it is installed but not running.
 */
final class LocalMlflow {
    /** Where the scripts are, the tracking URI, and the exports of env.sh (endpoint, region, local S3 keys). */
    record Server(Path scripts, URI uri, Map<String, String> env) {}

    private LocalMlflow() {}

    /** The infra/local folder of the repository holding the current folder or this jar, or null. */
    static Path findScripts() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(LocalMlflow.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source (unusual class loader): the current folder alone
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path s = p.resolve("infra/local");
                if (Files.isRegularFile(s.resolve("mlflow.sh")) && Files.isRegularFile(s.resolve("s3.sh"))) return s;
            }
        }
        return null;
    }

    /** True when mlflow.sh's venv exists (the script's own test is stricter and tells at start). */
    static boolean installed(Path scripts) {
        return installed(scripts, System.getenv("FEATMAP_RUN_DIR"));
    }

    /** As lib.sh: the run folder is FEATMAP_RUN_DIR, else infra/local/.run. */
    static boolean installed(Path scripts, String runDir) {
        Path run = runDir == null || runDir.isBlank() ? scripts.resolve(".run") : Path.of(runDir);
        return Files.isExecutable(run.resolve("venv-mlflow/bin/mlflow"));
    }

    /**
     * The running local server, started first if needed; null (with the reason in {@code why[0]}) when
     * there are no scripts, MLflow is not installed, or it would not start.
     */
    static Server startIfInstalled(String[] why) {
        Path scripts = findScripts();
        if (scripts == null) {
            why[0] = "no infra/local/ scripts found from " + Path.of("").toAbsolutePath();
            return null;
        }
        if (!installed(scripts)) {
            why[0] = "infra/local's MLflow is not installed (infra/local/mlflow.sh install)";
            return null;
        }
        try {
            if (script(scripts, "mlflow.sh", "status") != 0) {
                if (script(scripts, "s3.sh", "start") != 0 || script(scripts, "mlflow.sh", "start") != 0) {
                    why[0] = "infra/local/mlflow.sh start failed; its log is in infra/local/.run/logs/mlflow.log";
                    return null;
                }
            }
            Map<String, String> env = exports(scripts);
            String uri = env.get("FEATMAP_MLFLOW_URI");
            if (uri == null) {
                why[0] = "infra/local/env.sh printed no FEATMAP_MLFLOW_URI";
                return null;
            }
            return new Server(scripts, URI.create(uri), env);
        } catch (IOException e) {
            why[0] = "could not run infra/local scripts: " + e.getMessage();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why[0] = "interrupted while starting the local MLflow server";
            return null;
        }
    }

    /** env.sh's {@code export K=V} lines; a value written as {@code "$VAR"} is read from this process's environment. */
    static Map<String, String> exports(Path scripts) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", scripts.resolve("env.sh").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("export ") || !line.contains("=")) continue;
            String kv = line.substring("export ".length());
            String k = kv.substring(0, kv.indexOf('='));
            String v = kv.substring(kv.indexOf('=') + 1);
            if (v.matches("\"\\$[A-Za-z_][A-Za-z0-9_]*\""))
                v = System.getenv().getOrDefault(v.substring(2, v.length() - 1), "");
            env.put(k, v);
        }
        return env;
    }

    private static int script(Path scripts, String name, String arg) throws IOException, InterruptedException {
        // The scripts' own output stays out of the run's output (one line about tracking); they keep logs.
        Process p = new ProcessBuilder("bash", scripts.resolve(name).toString(), arg)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
