package org.featmap.ml.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;

/** {@link PairDataset} over a {@link FeatureStoreReader} and a (filtered) {@link PairIndex}. */
public final class FeaturePairDataset implements PairDataset {
    private final FeatureStoreReader store;
    private final PairIndex pairs;

    FeaturePairDataset(FeatureStoreReader store, PairIndex pairs) {
        this.store = store;
        this.pairs = pairs;
    }

    public PairIndex pairs() {
        return pairs;
    }

    @Override
    public int size() {
        return pairs.size();
    }

    @Override
    public int channels() {
        return store.channels();
    }

    @Override
    public int height() {
        return store.height();
    }

    @Override
    public int width() {
        return store.width();
    }

    @Override
    public String originalId(int i) {
        return store.originalId(pairs.originalRow()[i]);
    }

    @Override
    public String manipulation(int i) {
        return pairs.manipulation()[i];
    }

    @Override
    public int classId(int i) {
        return store.classId(pairs.originalRow()[i]);
    }

    @Override
    public void read(int i, float[] src, int srcOff, float[] tgt, int tgtOff) throws IOException {
        store.readRow(pairs.originalRow()[i], src, srcOff);
        store.readRow(pairs.manipulatedRow()[i], tgt, tgtOff);
    }

    /**
     * Reads pairs {@code idx} as NDList(source (B,C,H,W), target (B,C,H,W)) float32 on {@code manager},
     * each with a single copy from the Arrow buffers (see {@link FeatureStoreReader#readRows}).
     */
    public NDList readBatch(NDManager manager, int[] idx) throws IOException {
        int[] o = new int[idx.length], m = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            o[k] = pairs.originalRow()[idx[k]];
            m[k] = pairs.manipulatedRow()[idx[k]];
        }
        NDArray src = store.readRows(manager, o);
        NDArray tgt = store.readRows(manager, m);
        return new NDList(src, tgt);
    }

    /** The store stays open: it belongs to whoever opened the reader. */
    @Override
    public void close() {}
}
