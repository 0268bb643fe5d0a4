package org.featmap.ml.train;

import org.featmap.ml.features.PairDataset;

/** (N, C, H, W) source and target maps held in two flat arrays, as a PairDataset ("grayscale" pairs). */
class ArrayPairs implements PairDataset {
    private final float[] src;
    private final float[] tgt;
    private final int n, c, h, w;

    ArrayPairs(float[] src, float[] tgt, int n, int c, int h, int w) {
        this.src = src;
        this.tgt = tgt;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
    }

    public int size() {
        return n;
    }

    public int channels() {
        return c;
    }

    public int height() {
        return h;
    }

    public int width() {
        return w;
    }

    public String originalId(int i) {
        return String.format("%05d", i);
    }

    public String manipulation(int i) {
        return "grayscale";
    }

    public int classId(int i) {
        return 0;
    }

    public void read(int i, float[] s, int so, float[] t, int to) {
        int map = c * h * w;
        System.arraycopy(src, i * map, s, so, map);
        System.arraycopy(tgt, i * map, t, to, map);
    }
}
