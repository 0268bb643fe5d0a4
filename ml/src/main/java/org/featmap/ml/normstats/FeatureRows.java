package org.featmap.ml.normstats;

import java.io.IOException;

/**
 * The rows of one layer's train feature directory as the statistics need them (spec §4.2): row
 * count, the manipulation of each row (meta.jsonl order) and one row's CHW float32 map. The Arrow
 * feature store implements this.
 */
public interface FeatureRows {
    int rowCount();

    int channels();

    int height();

    int width();

    String manipulation(int row);

    /** Copies row {@code row} (C·H·W floats, CHW order) into {@code dst[off..]}. */
    void read(int row, float[] dst, int off) throws IOException;
}
