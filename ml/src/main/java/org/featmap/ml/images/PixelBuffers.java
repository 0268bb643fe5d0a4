package org.featmap.ml.images;

import java.util.ArrayDeque;

/**
 * A small pool of pixel arrays for one thread: outputs that are encoded and then dropped (the 12 manipulations of
 * one source image in {@link ManipulateStage}) hand their array back, and the next operation writes into it without
 * a fresh allocation. A new {@code byte[]} is zeroed by the JVM: for a 288² RGB output (248 KB) allocation and
 * zeroing cost about 14 µs, half of mirror_v's time (issue #20); Pillow's allocator likewise hands out warm memory
 * without clearing it. Not thread-safe: one pool per thread. Arrays taken from it have arbitrary contents, so only
 * operations that write every byte may use them.
 */
public final class PixelBuffers {
    /** Arrays kept per pool: a stage needs one at a time (op, encode, give back); a few more cost little. */
    private static final int MAX_KEPT = 4;

    private final ArrayDeque<byte[]> free = new ArrayDeque<>(MAX_KEPT);

    /** An array of exactly {@code length} bytes, contents unspecified (a pooled one if there is one). */
    public byte[] take(int length) {
        for (var it = free.iterator(); it.hasNext(); ) {
            byte[] b = it.next();
            if (b.length == length) {
                it.remove();
                return b;
            }
        }
        return new byte[length];
    }

    /**
     * Returns {@code image}'s array to the pool. The caller asserts that nothing references the image any more
     * (it has been encoded and is dropped); an image that shares its array with another live image must not be
     * given back.
     */
    public void give(RgbImage image) {
        give(image.rgb());
    }

    public void give(byte[] b) {
        for (byte[] f : free) if (f == b) return; // given twice: keep one reference, not two owners
        if (free.size() == MAX_KEPT) free.pollLast();
        free.addFirst(b);
    }

    /** Number of arrays held (tests). */
    int size() {
        return free.size();
    }
}
