package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real services of infra/local/ for the fault tests (a minimal copy of activities'
 * testsupport.Services, which is not on this module's test classpath). A missing service skips a
 * test locally and fails it in CI ({@code CI=true}).
 */
final class FaultServices {
  private FaultServices() {}

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  static void missing(String msg) {
    if (inCi()) fail(msg);
    Assumptions.abort(msg);
  }

  static String temporalTarget() {
    return env("FEATMAP_TEMPORAL_TARGET", "127.0.0.1:" + env("FEATMAP_TEMPORAL_PORT", "7233"));
  }

  static boolean temporalUp() {
    String t = temporalTarget();
    int c = t.lastIndexOf(':');
    return tcpOpen(t.substring(0, c), Integer.parseInt(t.substring(c + 1)));
  }

  /** Starts the Temporal dev server with infra/local/temporal.sh when it is installed but not running. */
  static String requireTemporal() throws Exception {
    if (!temporalUp()) script("temporal.sh", "start");
    if (!temporalUp()) missing("Temporal server at " + temporalTarget() + " is not running and infra/local/temporal.sh start failed (install: infra/local/temporal.sh install)");
    return temporalTarget();
  }

  /** Runs infra/local/SCRIPT ARG; true on exit 0. */
  static boolean script(String script, String arg) throws Exception {
    Path s = Cli.repo().resolve("infra/local").resolve(script);
    Process p = new ProcessBuilder("bash", s.toString(), arg).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  /** The MLflow server if it answers /health; in CI it must. */
  static URI mlflowIfRunning() {
    URI uri = URI.create(env("FEATMAP_MLFLOW_URI", "http://127.0.0.1:5005"));
    try {
      HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
          .send(HttpRequest.newBuilder(uri.resolve("/health")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) return uri;
    } catch (IOException e) {
      // not running
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inCi()) fail("MLflow server at " + uri + " is not running; start it with infra/local/mlflow.sh start");
    return null;
  }

  static boolean tcpOpen(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
