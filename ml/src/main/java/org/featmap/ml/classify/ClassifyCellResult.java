package org.featmap.ml.classify;

import java.nio.file.Path;
import org.featmap.ml.analysis.ClassificationMetrics;

/** Result of {@link ClassifyCellStage#run}: the pairs classified and the §8.3 row (also in {@code metricsCsv}). */
public record ClassifyCellResult(int pairs, ClassificationMetrics.Row row, Path metricsCsv) {}
