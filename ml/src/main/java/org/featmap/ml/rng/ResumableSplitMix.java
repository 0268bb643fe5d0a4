package org.featmap.ml.rng;

import java.util.random.RandomGenerator;

/**
 * The exact stream of {@link java.util.SplittableRandom} (SplitMix64 with the golden gamma; {@code nextInt(bound)},
 * {@code nextDouble()} from {@link RandomGenerator}'s own algorithms) whose state can be saved and restored. The JDK
 * class keeps its state private, so a fine-tuning that resumes from an epoch checkpoint (issue #14) could not
 * continue its shuffles and augmentation draws; this one can, and a resumed run draws the same numbers as an
 * uninterrupted one. Never split: one generator, one stream (ResumableSplitMixTest compares it to the JDK's).
 */
public final class ResumableSplitMix implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long seed;

    public ResumableSplitMix(long seed) {
        this.seed = seed;
    }

    /** The state after the draws made so far: {@code new ResumableSplitMix(state())} continues this stream. */
    public long state() {
        return seed;
    }

    @Override
    public long nextLong() {
        return mix64(seed += GOLDEN_GAMMA);
    }

    @Override
    public int nextInt() {
        return mix32(seed += GOLDEN_GAMMA);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }
}
