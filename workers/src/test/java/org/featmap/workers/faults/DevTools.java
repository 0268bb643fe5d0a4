package org.featmap.workers.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven through the Chrome DevTools protocol (java.net.http's WebSocket, no
 * Selenium): open a page, run JavaScript in it (to click MLflow's row expander), read its DOM and
 * take a screenshot. One browser per instance, with a fresh profile; close() ends it.
 */
final class DevTools implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process browser;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    DevTools(String binary, String url, Path work) throws Exception {
        profile = Files.createTempDirectory("featmap-chromium-");
        List<String> cmd = new ArrayList<>(List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--window-size=1600,1000",
                url));
        browser = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.isRegularFile(portFile) && Files.readAllLines(portFile).size() >= 2)) {
            if (System.nanoTime() > end || !browser.isAlive())
                throw new AssertionError("chromium gave no DevTools port; log " + work.resolve("chromium.log"));
            Thread.sleep(200);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        String page = null;
        while (page == null) {
            JsonNode targets = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            for (JsonNode t : targets)
                if ("page".equals(t.path("type").asText()))
                    page = t.path("webSocketDebuggerUrl").asText();
            if (page == null) {
                if (System.nanoTime() > end) throw new AssertionError("chromium has no page target");
                Thread.sleep(200);
            }
        }
        ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(page), new Listener())
                .get(30, TimeUnit.SECONDS);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(buf.toString());
                    CompletableFuture<JsonNode> f =
                            msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) f.complete(msg);
                } catch (Exception e) {
                    // not JSON: ignore
                }
                buf.setLength(0);
            }
            w.request(1);
            return null;
        }
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params == null ? JSON.createObjectNode() : params);
        ws.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) throw new AssertionError(method + ": " + r.get("error"));
        return r.path("result");
    }

    /** The value of a JavaScript expression in the page (promises awaited). */
    JsonNode eval(String js) throws Exception {
        JsonNode r = call(
                "Runtime.evaluate",
                JSON.createObjectNode()
                        .put("expression", js)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (r.has("exceptionDetails")) throw new AssertionError("JavaScript failed: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Polls a boolean JavaScript expression until it is true; false after {@code timeout}. */
    boolean waitFor(String js, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (eval(js).asBoolean(false)) return true;
            } catch (AssertionError stillLoading) {
                // e.g. document.body is still null
            }
            Thread.sleep(250);
        }
        return false;
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    String dom() throws Exception {
        return eval("document.documentElement.outerHTML").asText();
    }

    void screenshot(Path png) throws Exception {
        String data = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
                .path("data")
                .asText();
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() throws Exception {
        try {
            ws.abort();
        } finally {
            // Chromium's renderer/GPU/zygote children first, then the browser; each one we started, by handle.
            List<ProcessHandle> children = browser.descendants().toList();
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS))
                browser.destroyForcibly().waitFor();
            for (ProcessHandle c : children) {
                c.destroy();
                try {
                    c.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    c.destroyForcibly();
                }
            }
            try (var s = Files.walk(profile)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a leftover temp profile is harmless
            }
        }
    }
}
