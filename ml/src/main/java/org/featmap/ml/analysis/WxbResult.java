package org.featmap.ml.analysis;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Result of {@link WxbStage#run}: the pairs sampled, the median of each {@link WxbMetrics#METRICS} entry over them (in
 * that order) and the CSV of every sample's metrics.
 */
public record WxbResult(int samples, Map<String, Double> medians, Path csv) {
    /** The node summary's entries: {@code samples}, then {@code median_<metric>}. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("samples", samples);
        medians.forEach((k, v) -> s.put("median_" + k, v));
        return s;
    }
}
