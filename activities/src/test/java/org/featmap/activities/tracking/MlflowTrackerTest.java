package org.featmap.activities.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.featmap.core.tracking.Tracker;
import org.junit.jupiter.api.Test;

/** What needs no MLflow server: error classes, retries inside a call, argument checks, the in-memory rules. */
class MlflowTrackerTest {
    private static final MlflowTracker.Backoff FAST =
            new MlflowTracker.Backoff(4, Duration.ofMillis(10), Duration.ofMillis(40));

    @Test
    void unreachableServerIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (MlflowTracker t =
                new MlflowTracker(URI.create("http://127.0.0.1:" + port), Map.of(), null, "test", FAST)) {
            assertThrows(TrackerUnavailableException.class, () -> t.experiment("x"));
        }
    }

    /** Two 503s then the answer: the call succeeds inside itself; a 400 is not retried. */
    @Test
    void transientErrorsAreRetriedInsideTheCallAndRefusalsAreNot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/2.0/mlflow/runs/log-batch", ex -> {
            int n = calls.incrementAndGet();
            byte[] body = n <= 2
                    ? "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"restarting\"}"
                            .getBytes(StandardCharsets.UTF_8)
                    : n == 3
                            ? "{}".getBytes(StandardCharsets.UTF_8)
                            : "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"changed param\"}"
                                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(n <= 2 ? 503 : n == 3 ? 200 : 400, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (MlflowTracker t = new MlflowTracker(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Map.of(), null, "t", FAST)) {
            t.logParams("r1", Map.of("lr", "0.1"));
            assertEquals(3, calls.get(), "two retries inside the call, then success");
            MlflowApiException refused =
                    assertThrows(MlflowApiException.class, () -> t.logParams("r1", Map.of("lr", "0.2")));
            assertEquals(4, calls.get(), "a refusal is not retried");
            assertEquals("INVALID_PARAMETER_VALUE", refused.errorCode());
        } finally {
            server.stop(0);
        }
    }

    /**
     * A cached node's run in three calls: create without a search, one log-batch with params and metrics,
     * finish. A create whose answer is lost (the server made the run, then a 503) is found by the retry's
     * search instead of being made twice.
     */
    @Test
    void newRunSkipsTheSearchButItsRetryFindsALostCreate() throws Exception {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger creates = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String run =
                "{\"info\":{\"run_id\":\"r-made\",\"experiment_id\":\"1\",\"status\":\"RUNNING\",\"artifact_uri\":\"file:///x\"},"
                        + "\"data\":{}}";
        server.createContext("/api/2.0/mlflow/", ex -> {
            String path = ex.getRequestURI().getPath().substring("/api/2.0/mlflow/".length());
            calls.add(path);
            int status = 200;
            String body = "{}";
            switch (path) {
                case "runs/create" -> {
                    creates.incrementAndGet();
                    status = 503; // made, but the answer is lost
                    body = "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"lost\"}";
                }
                case "runs/search" -> body = creates.get() > 0 ? "{\"runs\":[" + run + "]}" : "{}";
                default -> {}
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try (MlflowTracker t = new MlflowTracker(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Map.of(), null, "t", FAST)) {
            String id = t.newRun("1", Map.of(Tracker.CELL_KEY, "k1"), "node", Map.of());
            assertEquals("r-made", id, "the retry found the run its lost create made");
            assertEquals(1, creates.get(), "created once");
            assertEquals("runs/create", calls.get(0), "no search before the first create");
            calls.clear();
            t.logBatch(id, Map.of("lr", "0.1", "model", "mlp"), List.of(Tracker.Metric.now("val_loss", 0.5, 3)));
            assertEquals(List.of("runs/log-batch"), calls, "params and metrics in one call");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatIsNotMlflowIsBadInputWithOneLine() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "<html><body>Grafana</body></html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String uri = "http://127.0.0.1:" + server.getAddress().getPort();
        try (MlflowTracker t = new MlflowTracker(URI.create(uri), Map.of(), null, "t", FAST)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::checkServer);
            assertTrue(
                    e.getMessage().contains(uri)
                            && e.getMessage().contains("experiments/search")
                            && e.getMessage().contains("not an MLflow"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        } finally {
            server.stop(0);
        }
        try (MlflowTracker t = new MlflowTracker(URI.create(uri), Map.of(), null, "t", FAST)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, t::checkServer); // now nothing listens
            assertTrue(
                    e.getMessage().contains("does not answer") && e.getMessage().contains(uri), e.getMessage());
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyCall() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new MlflowTracker(URI.create("http://user:pw@127.0.0.1:1"), Map.of(), null, "t"));
        try (MlflowTracker t = new MlflowTracker(URI.create("http://127.0.0.1:1"), Map.of(), null, "t")) {
            assertThrows(
                    IllegalArgumentException.class, () -> t.run("1", Map.of(Tracker.CELL_KEY, "it's"), "n", Map.of()));
            assertThrows(IllegalArgumentException.class, () -> t.run("1", Map.of(), "n", Map.of()));
            assertThrows(IllegalArgumentException.class, () -> t.logParams("r", Map.of("bad\nname", "v")));
            assertThrows(SecretLeakException.class, () -> t.logParams("r", Map.of("hf_token", "v")));
            assertThrows(IllegalArgumentException.class, () -> t.experiment("../x"));
        }
    }

    @Test
    void inMemoryTrackerFollowsMlflowRules() throws Exception {
        InMemoryTracker t = new InMemoryTracker(new SecretScrubber(Map.of()));
        String e = t.experiment("demo");
        assertEquals(e, t.experiment("demo"));
        String parent = t.run(e, Map.of(Tracker.EXECUTION, "x1"), "sweep", Map.of());
        String child = t.run(e, NodeRuns.identity(parent, "c1"), "c1", Map.of());
        assertEquals(child, t.run(e, NodeRuns.identity(parent, "c1"), "c1", Map.of()));
        t.logParams(child, Map.of("lr", "0.1"));
        t.logParams(child, Map.of("lr", "0.1"));
        assertThrows(IllegalArgumentException.class, () -> t.logParams(child, Map.of("lr", "0.2")));
        assertThrows(SecretLeakException.class, () -> t.logParams(child, Map.of("api_key", "v")));
        t.logMetric(child, "loss", 0.5, 1);
        t.logMetrics(child, List.of(Tracker.Metric.now("loss", 0.5, 1), Tracker.Metric.now("loss", 0.4, 2)));
        assertEquals(parent, t.get(child).tags.get("mlflow.parentRunId"));
        assertEquals(
                List.of(1L, 2L),
                t.get(child).metrics.get("loss").stream()
                        .map(InMemoryTracker.Point::step)
                        .toList(),
                "a step is logged once");
    }
}
