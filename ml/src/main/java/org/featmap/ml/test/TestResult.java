package org.featmap.ml.test;

import java.nio.file.Path;
import java.util.Map;
import org.featmap.ml.eval.FeatureMetrics;

/** What the run measured; {@code summary} holds the node summary's entries (including "skipped because" notes). */
public record TestResult(FeatureMetrics.Result feature, int pairs, int imageRows, Map<String, Object> summary) {
    public Path grid(Path out) {
        return out.resolve("grid.png");
    }
}
