package org.featmap.ml.analysis;

import java.nio.file.Path;

/** Result of {@link SvdStage#run}: the §9.3 metrics and the two CSVs written. */
public record SvdResult(SvdMetrics.Result metrics, Path metricsCsv, Path singularValuesCsv) {}
