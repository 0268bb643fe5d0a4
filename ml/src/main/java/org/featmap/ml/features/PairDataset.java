package org.featmap.ml.features;

import java.io.IOException;

/**
 * The (original → manipulated) feature-map pairs of one layer and one manipulation, readable by
 * index (spec §3.5 pairs, §6.2). Maps are float32 CHW. Implemented over the Arrow feature store;
 * training and evaluation only see this interface.
 */
public interface PairDataset extends AutoCloseable {
    int size();

    int channels();

    int height();

    int width();

    /** The original id (file id of the unmanipulated image) of pair i. */
    String originalId(int i);

    /** The manipulation name of pair i. */
    String manipulation(int i);

    /** The class index (ImageFolder order) of pair i. */
    int classId(int i);

    /** Copies the source map of pair i into {@code src[srcOff..]} and the target map into {@code tgt[tgtOff..]}. */
    void read(int i, float[] src, int srcOff, float[] tgt, int tgtOff) throws IOException;

    @Override
    default void close() throws IOException {}
}
