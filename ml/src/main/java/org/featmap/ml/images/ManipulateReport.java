package org.featmap.ml.images;

import java.util.List;
import java.util.Map;

/**
 * What the direct-manipulation stage did.
 *
 * @param images source images of the split (selected classes)
 * @param imagesDone images whose outputs were all written
 * @param filesWritten image files written (resized + manipulations)
 * @param failures one line per failed image ("&lt;file&gt;: &lt;why&gt;"); the other images still completed
 * @param perManipulation files written per name ("resized" included), in op order
 * @param skippedFiles non-image files ignored by ingest
 */
public record ManipulateReport(
        String split,
        int images,
        int imagesDone,
        long filesWritten,
        List<String> failures,
        Map<String, Integer> perManipulation,
        List<String> skippedFiles) {}
