package org.featmap.activities.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What needs no server: error classes and argument checks. */
class MlflowTrackerTest {
  @Test
  void unreachableServerIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (MlflowTracker t = new MlflowTracker(URI.create("http://127.0.0.1:" + port), Map.of(), null, "test")) {
      assertThrows(TrackerUnavailableException.class, () -> t.experiment("x"));
    }
  }

  @Test
  void badArgumentsAreRejectedBeforeAnyCall() {
    assertThrows(IllegalArgumentException.class, () -> new MlflowTracker(URI.create("http://user:pw@127.0.0.1:1"), Map.of(), null, "t"));
    try (MlflowTracker t = new MlflowTracker(URI.create("http://127.0.0.1:1"), Map.of(), null, "t")) {
      assertThrows(IllegalArgumentException.class, () -> t.run("1", "it's", "n", null, Map.of()));
      assertThrows(IllegalArgumentException.class, () -> t.logParams("r", Map.of("bad\nname", "v")));
      assertThrows(SecretLeakException.class, () -> t.logParams("r", Map.of("hf_token", "v")));
      assertThrows(IllegalArgumentException.class, () -> t.experiment("../x"));
    }
  }

  @Test
  void inMemoryTrackerFollowsMlflowRules() {
    InMemoryTracker t = new InMemoryTracker(new SecretScrubber(Map.of()));
    String e = t.experiment("demo");
    assertEquals(e, t.experiment("demo"));
    String parent = t.run(e, "sweep", "sweep", null, Map.of());
    String child = t.run(e, "sweep/c1", "c1", parent, Map.of());
    assertEquals(child, t.run(e, "sweep/c1", "c1", parent, Map.of()));
    t.logParams(child, Map.of("lr", "0.1"));
    t.logParams(child, Map.of("lr", "0.1"));
    assertThrows(IllegalArgumentException.class, () -> t.logParams(child, Map.of("lr", "0.2")));
    assertThrows(SecretLeakException.class, () -> t.logParams(child, Map.of("api_key", "v")));
    t.logMetric(child, "loss", 0.5, 1);
    assertEquals(parent, t.get(child).tags.get("mlflow.parentRunId"));
    assertEquals(1, t.get(child).metrics.get("loss").size());
  }
}
