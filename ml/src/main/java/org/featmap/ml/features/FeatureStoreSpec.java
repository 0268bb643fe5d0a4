package org.featmap.ml.features;

import java.util.Arrays;

/**
 * What one feature store directory holds: one (backbone, layer, dataset, split, source folder), rows
 * of CHW maps of {@code shape} in {@code dtype}, Arrow IPC shards of at most {@code rowsPerShard} rows.
 */
public record FeatureStoreSpec(
        String backbone,
        String weightsSha256,
        String layer,
        String dataset,
        String split,
        String source,
        int[] shape,
        FeatureDType dtype,
        FeatureCompression compression,
        int rowsPerShard) {

    public FeatureStoreSpec {
        if (shape == null || shape.length != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0)
            throw new IllegalArgumentException("feature shape " + Arrays.toString(shape) + ", expected [C, H, W] > 0");
        if (rowsPerShard <= 0) throw new IllegalArgumentException("rowsPerShard " + rowsPerShard + ", must be > 0");
    }

    public int elements() {
        return shape[0] * shape[1] * shape[2];
    }

    public int rowBytes() {
        return elements() * dtype.bytes;
    }

    /** The fields a resumed or re-opened store must agree on (rowsPerShard may differ). */
    public String identity() {
        return String.join(
                "|",
                backbone,
                weightsSha256,
                layer,
                dataset,
                split,
                source,
                Arrays.toString(shape),
                dtype.id(),
                compression.id());
    }
}
