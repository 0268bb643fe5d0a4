package org.featmap.ml.extract;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Result of {@link ExtractStage#run}: {@code samples} enumerated, {@code rows} stored per layer,
 * {@code resumedFrom} the enumeration index this attempt started at, {@code failures} images that
 * could not be decoded this attempt (skipped, not stored), {@code layerDirs} the feature stores.
 */
public record ExtractReport(
        int samples,
        int rows,
        int resumedFrom,
        List<Failure> failures,
        Map<String, Path> layerDirs,
        double seconds,
        double imagesPerSecond) {

    public record Failure(int sampleId, String path, String error) {}
}
