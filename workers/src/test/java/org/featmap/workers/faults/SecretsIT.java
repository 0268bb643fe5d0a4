package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #8 item 4: secrets (HF token, AWS secret key, MLflow token) set in the environment of a real
 * sweep never appear in its output and logs, its workflow histories (every payload), any file of the
 * store (manifests, artifacts, scratch), nor, when the MLflow server runs, in any run's params or tags.
 */
class SecretsIT {
    @Test
    void secretValuesAppearNowhere() throws Exception {
        Path tmp = Cli.workDir("secrets");
        SecureRandom rnd = new SecureRandom();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String name : List.of("HF_TOKEN", "AWS_SECRET_ACCESS_KEY", "MLFLOW_TRACKING_TOKEN")) {
            byte[] b = new byte[12];
            rnd.nextBytes(b);
            secrets.put(name, "zz" + HexFormat.of().formatHex(b) + "zz");
        }
        // MLflow keeps run artifacts in the local S3 server, which accepts only its own secret key: the run
        // must use (and must not leak) that one.
        String s3Secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        if (s3Secret != null && !s3Secret.isBlank()) secrets.put("AWS_SECRET_ACCESS_KEY", s3Secret);
        Path store = tmp.resolve("store");
        Path hist = tmp.resolve("histories");
        Path cfg = TinySweep.write(tmp, "secrets", store, 4, 2);
        // no worker is killed here: a generous heartbeat keeps a loaded machine from timing attempts out
        Files.writeString(cfg, Files.readString(cfg).replace("heartbeat_seconds: 5", "heartbeat_seconds: 120"));
        URI mlflow = FaultServices.mlflowIfRunning();
        List<String> args = new ArrayList<>(List.of(
                "run",
                cfg.toString(),
                "--record-history",
                Files.createDirectories(hist).resolve("sweep.json").toString()));
        if (mlflow != null) args.addAll(List.of("--mlflow", mlflow.toString()));
        Map<String, String> env = new LinkedHashMap<>(secrets);
        env.put("AWS_ACCESS_KEY_ID", System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "featmap-local"));
        // Cli drops MLFLOW_* (featmap finds infra/local's MLflow itself); with --mlflow the run's artifacts
        // need the S3 endpoint of that server given explicitly, as a user would.
        String s3Endpoint = System.getenv("MLFLOW_S3_ENDPOINT_URL");
        if (mlflow != null && s3Endpoint != null) env.put("MLFLOW_S3_ENDPOINT_URL", s3Endpoint);
        env.put("FEATMAP_DEBUG", "1"); // stack traces too, if any
        Path log = tmp.resolve("run.log");
        assertEquals(0, Cli.run(args, env, log, Duration.ofMinutes(3)), Cli.tail(log));

        List<Path> scanned = new ArrayList<>();
        scanned.add(log);
        try (Stream<Path> s = Stream.concat(Files.walk(hist), Files.walk(store))) {
            s.filter(Files::isRegularFile).forEach(scanned::add);
        }
        assertTrue(
                scanned.stream()
                        .anyMatch(p -> p.startsWith(hist) && p.toString().endsWith(".json")),
                "no history recorded");
        long bytes = 0;
        for (Path p : scanned) {
            byte[] content = Files.readAllBytes(p);
            bytes += content.length;
            String text = new String(content, StandardCharsets.ISO_8859_1);
            for (var e : secrets.entrySet())
                assertFalse(text.contains(e.getValue()), e.getKey() + "'s value found in " + p);
        }
        int runs = 0;
        if (mlflow != null) {
            String all = mlflowRunsJson(mlflow, "secrets");
            runs = all.split("\"run_id\"", -1).length - 1;
            assertTrue(runs > 0, "no MLflow runs were logged");
            for (var e : secrets.entrySet())
                assertFalse(all.contains(e.getValue()), e.getKey() + "'s value found in MLflow");
        }
        System.out.printf(
                "SecretsIT: scanned %d files (%d bytes) and %s for 3 secret values: none found%n",
                scanned.size(), bytes, mlflow == null ? "no MLflow (not running)" : runs + " MLflow runs");
    }

    /** Every run (params, tags) of the experiments whose name contains {@code name}, as raw JSON. */
    static String mlflowRunsJson(URI mlflow, String name) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String exps = post(http, mlflow, "/api/2.0/mlflow/experiments/search", "{\"max_results\": 1000}");
        List<String> ids = new ArrayList<>();
        var m = java.util.regex.Pattern.compile(
                        "\"experiment_id\"\\s*:\\s*\"(\\d+)\"\\s*,\\s*\"name\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(exps);
        while (m.find()) if (m.group(2).contains(name)) ids.add("\"" + m.group(1) + "\"");
        if (ids.isEmpty()) return "";
        return post(
                http,
                mlflow,
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\": [" + String.join(",", ids) + "], \"max_results\": 1000}");
    }

    static String post(HttpClient http, URI base, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }
}
