package org.featmap.workers.metrics;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.featmap.activities.handlers.Handlers;
import org.featmap.activities.stage.NodeRunner;
import org.featmap.activities.stage.StageActivitiesImpl;
import org.featmap.activities.stage.StageHandler;
import org.featmap.activities.stage.SweepActivitiesImpl;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.EnvExpander;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.tracking.Tracker;
import org.featmap.workflows.CellWorkflowImpl;
import org.featmap.workflows.SubSweepWorkflowImpl;
import org.featmap.workflows.SweepWorkflow;
import org.featmap.workflows.SweepWorkflowImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a worker's metrics endpoint with the real registries, runs a small sweep through the real
 * workflows, activity adapter and node runner on Temporal's in-process service, scrapes /metrics
 * over HTTP and checks that every metric any dashboard panel queries is exported.
 */
class DashboardMetricsTest {
    static final Path DASHBOARDS = repoRoot().resolve("dashboards");

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("dashboards"))) p = p.getParent();
        if (p == null)
            throw new IllegalStateException(
                    "no dashboards/ folder above " + Path.of("").toAbsolutePath());
        return p;
    }

    static String yaml(Path store) {
        return """
        sweep:
          name: metrics-demo
          store: %s
          max_in_flight: 4
          queues: {default: featmap-cpu, extract: featmap-gpu, train: featmap-gpu, test: featmap-gpu}
        images: {manipulations: [grayscale]}
        datasets:
          - name: D
            synthetic: {classes: 2, per_class_train: 2, per_class_test: 1, seed: 1}
            groups:
              - name: direct
                models: [linear]
                manipulations: [grayscale]
        backbones:
          - name: convnext
            export: /models/none
            layers: [feat2]
            normalize: [feat2]
        test: {enabled: true, reconstructor: none}
        analysis: {svd: true, svd_datasets: [D]}
        """.formatted(store);
    }

    @Test
    void everyMetricADashboardQueriesIsExported(@TempDir Path dir) throws Exception {
        Path smi = fakeNvidiaSmi(dir);
        SweepConfig cfg = ConfigLoader.parse("demo.yaml", yaml(dir.resolve("store")), new EnvExpander(Map.of()));
        ExperimentGraph plan = Planner.plan(cfg, Map.of());
        CountDownLatch seenRunning = new CountDownLatch(1);

        // the real image stages; every other stage a trivial handler that writes a file (no backbone
        // export here); "svd" left out, so its nodes fail as StageUnavailable and the failure metrics exist
        Map<String, StageHandler> handlers = new HashMap<>();
        for (String real : List.of("synth", "manipulate"))
            handlers.put(real, Handlers.all().get(real));
        for (Node n : plan.nodes()) {
            String stage = n.stage().id();
            if (handlers.containsKey(stage) || stage.equals("svd")) continue;
            handlers.put(stage, ctx -> {
                if (stage.equals("extract")) seenRunning.await(60, TimeUnit.SECONDS); // hold the sweep until polled
                Files.writeString(ctx.outDir().resolve("out.txt"), ctx.task().nodeId());
                ctx.summary("samples", 100);
            });
        }

        try (WorkerMetrics m = WorkerMetrics.start(0, Optional.of(smi), Duration.ofMillis(100))) {
            TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                    .setUseTimeskipping(false)
                    .setMetricsScope(m.temporalScope())
                    .build());
            try {
                Worker wf = env.newWorker("featmap-workflows");
                wf.registerWorkflowImplementationTypes(
                        SweepWorkflowImpl.class, CellWorkflowImpl.class, SubSweepWorkflowImpl.class);
                for (String q : List.of("featmap-cpu", "featmap-gpu")) {
                    Worker w = env.newWorker(
                            q,
                            WorkerOptions.newBuilder()
                                    .setMaxConcurrentActivityExecutionSize(2)
                                    .build());
                    w.registerActivitiesImplementations(
                            new StageActivitiesImpl(handlers, Tracker.NONE, dir.resolve("work")),
                            new SweepActivitiesImpl(Tracker.NONE));
                }
                env.start();
                WorkflowClient client = env.getWorkflowClient();
                SweepProgressPoller poller = new SweepProgressPoller(client, m.sweepProgress());

                SweepWorkflow first = stub(client, "metrics-demo-1");
                CompletableFuture<SweepStatus> run1 =
                        WorkflowClient.execute(first::run, new SweepRequest(cfg, Map.of(), false));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!poller.pollOnce().contains("metrics-demo-1")) {
                    assertTrue(System.nanoTime() < deadline, "the poller never saw the running sweep");
                    Thread.sleep(100);
                }
                seenRunning.countDown();
                SweepStatus s1 = run1.get(120, TimeUnit.SECONDS);
                assertTrue(s1.finished());
                assertFalse(s1.failures().isEmpty(), "svd has no handler, so its nodes fail");
                assertTrue(
                        s1.failures().keySet().stream().allMatch(id -> id.startsWith("svd")),
                        s1.failures().toString());
                assertTrue(poller.pollOnce().contains("metrics-demo-1"), "a sweep that ended is queried once more");

                // the same sweep again: every computed node is now a cache hit
                SweepStatus s2 = stub(client, "metrics-demo-2").run(new SweepRequest(cfg, Map.of(), false));
                assertTrue(
                        s2.stages().values().stream().anyMatch(c -> c.cached() > 0),
                        s2.stages().toString());
                poller.pollOnce();

                // the sweep's lookup skips cached nodes before scheduling; the node runner's own cache check
                // hits when a node is committed by the time it runs (a retry): run one node twice
                Path store = dir.resolve("runner-store");
                NodeTask task = new NodeTask(
                        "s", null, "report/x", "report", "c".repeat(64), "{}", List.of(), store.toString());
                StageHandler once = ctx -> Files.writeString(ctx.outDir().resolve("r.txt"), "r");
                try (LocalArtifactStore local = new LocalArtifactStore(store)) {
                    assertFalse(
                            NodeRunner.run(task, once, local, store.resolve(".work"), Progress.NONE, Tracker.NONE, null)
                                    .cached());
                    assertTrue(
                            NodeRunner.run(task, once, local, store.resolve(".work"), Progress.NONE, Tracker.NONE, null)
                                    .cached());
                }
                Thread.sleep(500); // several flushes of the SDK scope

                HttpClient http = HttpClient.newHttpClient();
                String body = get(http, m.port(), "/metrics", 200);
                Map<String, List<String>> exported = exportedSeries(body);
                get(http, m.port(), "/healthz", 200);
                get(http, m.port(), "/readyz", 200);

                // every metric of every panel exists
                Map<String, Set<String>> wanted = dashboardMetrics(DASHBOARDS);
                assertFalse(wanted.isEmpty(), "no dashboards found in " + DASHBOARDS);
                List<String> missing = new ArrayList<>();
                wanted.forEach((metric, where) -> {
                    if (!exported.containsKey(metric)) missing.add(metric + " (queried by " + where + ")");
                });
                assertTrue(
                        missing.isEmpty(),
                        "dashboards query metrics the worker does not export:\n  " + String.join("\n  ", missing)
                                + "\nexported: " + new TreeSet<>(exported.keySet()));

                // and the values are the sweep's, not placeholders
                Map<String, Long> perStage = new TreeMap<>();
                for (Node n : plan.nodes()) perStage.merge(n.stage().id(), 1L, Long::sum);
                perStage.forEach((stage, total) -> assertEquals(
                        (double) total,
                        value(exported, "featmap_nodes_planned", "sweep=\"metrics-demo-1\"", "stage=\"" + stage + "\""),
                        0.0,
                        stage));
                assertEquals(
                        (double) perStage.get("manipulate"),
                        value(exported, "featmap_nodes_done", "sweep=\"metrics-demo-1\"", "stage=\"manipulate\""),
                        0.0);
                assertEquals(
                        (double) perStage.get("manipulate"),
                        value(exported, "featmap_nodes_cached", "sweep=\"metrics-demo-2\"", "stage=\"manipulate\""),
                        0.0);
                assertEquals(1.0, value(exported, "featmap_cache_hits_total", "stage=\"report\""), 0.0);
                assertTrue(value(exported, "featmap_cache_misses_total", "stage=\"manipulate\"")
                        >= perStage.get("manipulate"));
                assertTrue(value(exported, "featmap_images_per_second", "stage=\"manipulate\"") > 0);
                assertTrue(value(exported, "featmap_samples_per_second", "stage=\"extract\"") > 0);
                assertTrue(
                        value(exported, "temporal_activity_execution_failed_total", "activity_type=\"svd\"") > 0,
                        "the unavailable svd stage counted as failed activities");
                assertEquals(1234.0 * 1024 * 1024, value(exported, "featmap_gpu_memory_bytes", "gpu=\"0\""), 0.0);
            } finally {
                env.close();
            }
        }
    }

    static SweepWorkflow stub(WorkflowClient client, String id) {
        return client.newWorkflowStub(
                SweepWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(id)
                        .setTaskQueue("featmap-workflows")
                        .build());
    }

    /** A stand-in for nvidia-smi that prints its csv format (one GPU, 1234 MiB used, 56 %). */
    static Path fakeNvidiaSmi(Path dir) throws IOException {
        Path p = dir.resolve("nvidia-smi");
        Files.writeString(p, "#!/bin/sh\necho '0, 1234, 56'\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static String get(HttpClient http, int port, String path, int status) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /** Metric name -> its sample lines, from the Prometheus text format. */
    static Map<String, List<String>> exportedSeries(String body) {
        Map<String, List<String>> m = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') end++;
            m.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(line);
        }
        return m;
    }

    /** The sum of the samples of {@code metric} whose labels contain every one of {@code labels}. */
    static double value(Map<String, List<String>> exported, String metric, String... labels) {
        List<String> lines = exported.getOrDefault(metric, List.of());
        double sum = 0;
        boolean any = false;
        outer:
        for (String l : lines) {
            for (String lab : labels) if (!l.contains(lab)) continue outer;
            sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            any = true;
        }
        assertTrue(any, "no " + metric + " sample with " + List.of(labels) + " in " + lines);
        return sum;
    }

    /** Metric name -> "dashboard.json: panel title" for every PromQL expr of every dashboard. */
    static Map<String, Set<String>> dashboardMetrics(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Set<String>> m = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = json.readTree(f.toFile());
                List<JsonNode[]> exprs = new ArrayList<>();
                collectExprs(root, null, exprs);
                assertFalse(exprs.isEmpty(), f + " has no PromQL expr");
                for (JsonNode[] e : exprs) {
                    String where = f.getFileName() + ": " + (e[1] == null ? "?" : e[1].asText());
                    for (String name : PromQl.metricNames(e[0].asText()))
                        m.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
                }
            }
        }
        return m;
    }

    private static void collectExprs(JsonNode n, JsonNode title, List<JsonNode[]> out) {
        if (n.isObject()) {
            JsonNode t = n.has("title") ? n.get("title") : title;
            JsonNode expr = n.get("expr");
            if (expr != null && expr.isTextual() && !expr.asText().isBlank()) out.add(new JsonNode[] {expr, t});
            JsonNode query = n.get("query"); // templating variables: label_values(metric, label)
            if (query != null && query.isTextual() && query.asText().contains("(")) out.add(new JsonNode[] {query, t});
            n.fields().forEachRemaining(e -> collectExprs(e.getValue(), t, out));
        } else if (n.isArray()) {
            for (JsonNode c : n) collectExprs(c, title, out);
        }
    }
}
