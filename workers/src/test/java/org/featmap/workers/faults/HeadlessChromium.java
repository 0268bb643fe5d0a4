package org.featmap.workers.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds Debian's Chromium. (--dump-dom alone renders MLflow's React UI but cannot click the row
 * expander that shows child runs, so the UI test drives it through {@link DevTools}.)
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
}
