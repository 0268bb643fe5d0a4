package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.featmap.workers.faults.ServiceBackend.Service;
import org.junit.jupiter.api.Assumptions;

/**
 * The real services for the fault tests, from the {@link ServiceBackend} that {@link ServiceBackends}
 * picks (infra/local's scripts, or Testcontainers where Docker exists). A missing service skips a test
 * locally and fails it in CI ({@code CI=true}): {@link #missing} is the one place that decides.
 */
final class FaultServices {
    private FaultServices() {}

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the test, or fails it in CI (issue #8: in CI a service test that would be skipped fails). */
    static void missing(String msg) {
        missing(inCi(), msg);
    }

    static void missing(boolean ci, String msg) {
        if (ci) fail(msg);
        Assumptions.abort(msg);
    }

    static ServiceBackend backend() throws Exception {
        return ServiceBackends.get();
    }

    /** The service, started if it is down; skips/fails with what to start when it cannot be had. */
    static ServiceBackend require(Service s) throws Exception {
        ServiceBackend b = backend();
        if (!b.start(s)) missing(s + " is not running and could not be started; start it with " + b.startHint(s));
        return b;
    }

    static String requireTemporal() throws Exception {
        return require(Service.TEMPORAL).temporalTarget();
    }

    static URI requireMlflow() throws Exception {
        return require(Service.MLFLOW).mlflowUri();
    }

    static URI requireS3() throws Exception {
        return require(Service.S3).s3Endpoint();
    }

    /** Variables for a featmap process (see {@link ServiceBackend#processEnv()}), plus {@code extra}. */
    static Map<String, String> processEnv(Map<String, String> extra) throws Exception {
        var m = new java.util.HashMap<>(backend().processEnv());
        m.putAll(extra);
        return m;
    }

    /** The MLflow server if it answers /health; in CI it must. */
    static URI mlflowIfRunning() throws Exception {
        ServiceBackend b = backend();
        if (b.isUp(Service.MLFLOW)) return b.mlflowUri();
        if (inCi())
            fail("MLflow server at " + b.mlflowUri() + " is not running; start it with " + b.startHint(Service.MLFLOW));
        return null;
    }

    /** Whether featmap's output says it tracks to this MLflow server ("tracking: ... at URI"). */
    static boolean trackedTo(String output, URI mlflow) {
        return output.lines().anyMatch(l -> l.startsWith("tracking: ") && l.contains(" at " + mlflow));
    }

    static boolean tcpOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean httpOk(URI uri) {
        return httpStatus(uri) == 200;
    }

    /** The HTTP status of GET uri, or -1 when nothing answers. */
    static int httpStatus(URI uri) {
        try {
            return HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
