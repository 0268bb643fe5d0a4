package org.featmap.ml.classify;

import java.nio.file.Path;
import java.util.Map;
import org.featmap.ml.analysis.ClassificationMetrics;

/**
 * Result of {@link ReconClassifyStage#run}: the images classified per set, the §8.3 row (also in
 * {@link ReconClassifyStage#METRICS_CSV}) and the probability file of each set ({@link ReconClassifyStage#SETS}).
 */
public record ReconClassifyResult(int n, ClassificationMetrics.Row row, Map<String, Path> files) {}
