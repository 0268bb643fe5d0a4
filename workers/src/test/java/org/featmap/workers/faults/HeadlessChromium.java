package org.featmap.workers.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, run as a command: {@code --dump-dom} gives the DOM after the page's
 * scripts ran for a virtual-time budget (enough for MLflow's React UI), {@code --screenshot} a PNG.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** The chromium binary on the PATH, or null. */
  static String binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) return p.toString();
      }
    }
    return null;
  }

  static String dumpDom(String binary, String url, Path work) throws Exception {
    Path out = work.resolve("dom.html");
    run(binary, work, out, "--virtual-time-budget=15000", "--dump-dom", url);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  static Path screenshot(String binary, String url, Path png, Path work) throws Exception {
    run(binary, work, work.resolve("screenshot.out"), "--virtual-time-budget=15000", "--window-size=1600,1000",
        "--screenshot=" + png.toAbsolutePath(), url);
    if (!Files.isRegularFile(png) || Files.size(png) == 0) throw new AssertionError("chromium wrote no screenshot " + png);
    return png;
  }

  private static void run(String binary, Path work, Path stdout, String... args) throws Exception {
    Path profile = Files.createTempDirectory(work, "profile-"); // a fresh profile per call
    List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(stdout.toFile())
        .redirectError(work.resolve("chromium.err").toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("chromium did not finish in 90 s: " + String.join(" ", cmd));
    }
    if (p.exitValue() != 0) throw new IOException("chromium exited " + p.exitValue() + "; see " + work.resolve("chromium.err"));
  }
}
