package org.featmap.activities.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real services of infra/local/ for integration tests. Addresses come from the variables
 * that {@code infra/local/env.sh} prints, else the loopback defaults. A missing service skips the test,
 * except in CI ({@code CI=true}), where it fails with a line naming the script to run (issue #8:
 * in CI a service test that would be skipped fails instead).
 *
 * <p>No Testcontainers path: Docker is not available on the project's machines; where it is, the
 * same scripts still work.
 */
public final class Services {
    private Services() {}

    /** The local S3 endpoint, after checking it answers and AWS credentials are in the environment. */
    public static URI s3Endpoint() {
        URI uri = URI.create(env("FEATMAP_S3_ENDPOINT", "http://127.0.0.1:9005"));
        if (!tcpOpen(uri.getHost(), uri.getPort())) missing("S3 server at " + uri, "infra/local/s3.sh start");
        requireEnv("AWS_ACCESS_KEY_ID", "S3");
        requireEnv("AWS_SECRET_ACCESS_KEY", "S3");
        return uri;
    }

    /** The MLflow tracking server, after checking GET /health and that its S3 artifact store is reachable. */
    public static URI mlflowUri() {
        URI uri = URI.create(env("FEATMAP_MLFLOW_URI", "http://127.0.0.1:5005"));
        if (!healthy(uri.resolve("/health"))) missing("MLflow server at " + uri, "infra/local/mlflow.sh start");
        requireEnv("MLFLOW_S3_ENDPOINT_URL", "MLflow artifacts");
        s3Endpoint();
        return uri;
    }

    /** host:port of the Temporal frontend. */
    public static String temporalTarget() {
        String target = env("FEATMAP_TEMPORAL_TARGET", "127.0.0.1:7233");
        int colon = target.lastIndexOf(':');
        if (colon < 0) fail("FEATMAP_TEMPORAL_TARGET='" + target + "' must be host:port");
        if (!tcpOpen(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
            missing("Temporal server at " + target, "infra/local/temporal.sh start");
        }
        return target;
    }

    /** True when running in CI, where missing services fail tests instead of skipping them. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static void missing(String what, String script) {
        String msg = what + " is not running; start it with " + script
                + " (all: infra/local/services.sh start; then eval \"$(infra/local/env.sh)\")";
        if (inCi()) fail(msg);
        Assumptions.abort(msg);
    }

    private static void requireEnv(String name, String forWhat) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            String msg = name + " is not set (needed for " + forWhat + "); run eval \"$(infra/local/env.sh)\" first";
            if (inCi()) fail(msg);
            Assumptions.abort(msg);
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    private static boolean tcpOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean healthy(URI health) {
        try {
            HttpClient c = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            HttpResponse<String> r = c.send(
                    HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
