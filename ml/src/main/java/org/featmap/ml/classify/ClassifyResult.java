package org.featmap.ml.classify;

import java.nio.file.Path;
import java.util.Map;

/**
 * Result of {@link ClassifyStage#run}: number of pairs, the probability file of each set
 * ({@code orig}, {@code edit}, {@code mapped}) and its top-1 accuracy, and the summary CSV.
 */
public record ClassifyResult(int pairs, Map<String, Path> files, Map<String, Double> top1, Path summaryCsv) {}
