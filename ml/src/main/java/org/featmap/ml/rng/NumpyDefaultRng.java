package org.featmap.ml.rng;

import java.util.HashSet;
import java.util.Set;

/**
 * Bit-exact port of numpy {@code default_rng(seed)} (SeedSequence → PCG64) restricted to what the
 * reference uses: {@code Generator.choice(n, k, replace=False)} (spec §12.4, AV13). PCG64 state is
 * an unsigned 128-bit integer kept as two longs.
 */
public final class NumpyDefaultRng {
    private static final long MUL_HI = 0x2360ED051FC65DA4L;
    private static final long MUL_LO = 0x4385DF649FCCF645L;

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;
    private boolean hasUint32;
    private int bufferedUint32;

    public NumpyDefaultRng(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("seed " + seed + " not supported: allowed 0..2^32-1");
        }
        long[] s = seedSequenceState((int) seed);
        // initseq = s2<<64 | s3; inc = (initseq << 1) | 1
        incHi = (s[2] << 1) | (s[3] >>> 63);
        incLo = (s[3] << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long[] sum = add(stateHi, stateLo, s[0], s[1]);
        stateHi = sum[0];
        stateLo = sum[1];
        step();
    }

    /** SeedSequence(seed).generate_state(4, uint64) for a single 32-bit entropy word. */
    static long[] seedSequenceState(int seed) {
        final int initA = 0x43b0d7e5, multA = 0x931e8875, initB = 0x8b51f9dd, multB = 0x58f38ded;
        final int mixL = 0xca01f9dd, mixR = 0x4973f715;
        int[] pool = new int[4];
        int[] hc = {initA};
        java.util.function.IntUnaryOperator hashmix = v -> {
            v ^= hc[0];
            hc[0] *= multA;
            v *= hc[0];
            v ^= v >>> 16;
            return v;
        };
        for (int i = 0; i < 4; i++) {
            pool[i] = hashmix.applyAsInt(i == 0 ? seed : 0);
        }
        for (int src = 0; src < 4; src++) {
            for (int dst = 0; dst < 4; dst++) {
                if (src != dst) {
                    int r = mixL * pool[dst] - mixR * hashmix.applyAsInt(pool[src]);
                    pool[dst] = r ^ (r >>> 16);
                }
            }
        }
        int hb = initB;
        int[] w = new int[8];
        for (int k = 0; k < 8; k++) {
            int v = pool[k % 4];
            v ^= hb;
            hb *= multB;
            v *= hb;
            v ^= v >>> 16;
            w[k] = v;
        }
        long[] out = new long[4];
        for (int j = 0; j < 4; j++) {
            out[j] = (w[2 * j] & 0xFFFFFFFFL) | ((long) w[2 * j + 1] << 32);
        }
        return out;
    }

    private static long umulhi(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    private static long[] add(long ah, long al, long bh, long bl) {
        long lo = al + bl;
        long carry = Long.compareUnsigned(lo, al) < 0 ? 1 : 0;
        return new long[] {ah + bh + carry, lo};
    }

    private void step() {
        long lo = stateLo * MUL_LO;
        long hi = umulhi(stateLo, MUL_LO) + stateLo * MUL_HI + stateHi * MUL_LO;
        long[] s = add(hi, lo, incHi, incLo);
        stateHi = s[0];
        stateLo = s[1];
    }

    /** PCG64 XSL-RR output of the advanced state. */
    public long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** numpy next_uint32: low half of a fresh 64-bit draw, the high half buffered for the next call. */
    public int nextInt() {
        if (hasUint32) {
            hasUint32 = false;
            return bufferedUint32;
        }
        long v = nextLong();
        hasUint32 = true;
        bufferedUint32 = (int) (v >>> 32);
        return (int) v;
    }

    /** Uniform integer in [0, max] as numpy random_bounded_uint64 (Lemire, no masking). */
    public long bounded(long max) {
        if (max == 0) {
            return 0;
        }
        if (max < 0xFFFFFFFFL && max > 0) {
            long rngExcl = max + 1;
            long m = (nextInt() & 0xFFFFFFFFL) * rngExcl;
            long leftover = m & 0xFFFFFFFFL;
            if (leftover < rngExcl) {
                long threshold = (0xFFFFFFFFL - max) % rngExcl;
                while (leftover < threshold) {
                    m = (nextInt() & 0xFFFFFFFFL) * rngExcl;
                    leftover = m & 0xFFFFFFFFL;
                }
            }
            return m >>> 32;
        }
        if (max == 0xFFFFFFFFL) {
            return nextInt() & 0xFFFFFFFFL;
        }
        if (max == -1L) {
            return nextLong();
        }
        long rngExcl = max + 1;
        long x = nextLong();
        long lo = x * rngExcl;
        if (Long.compareUnsigned(lo, rngExcl) < 0) {
            long threshold = Long.remainderUnsigned(-rngExcl, rngExcl);
            while (Long.compareUnsigned(lo, threshold) < 0) {
                x = nextLong();
                lo = x * rngExcl;
            }
        }
        return umulhi(x, rngExcl);
    }

    /**
     * numpy {@code Generator.choice(n, k, replace=False)} (shuffle=True): tail shuffle when n > 10000
     * and k > n/50, otherwise Floyd's algorithm followed by a shuffle of the k picks.
     */
    public int[] choiceWithoutReplacement(int n, int k) {
        if (n < 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("choice(n=" + n + ", k=" + k + "): need 0 <= k <= n");
        }
        int[] out = new int[k];
        if (k == 0) {
            return out;
        }
        if (n > 10000 && k > n / 50) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = i;
            }
            for (int i = n - 1; i >= Math.max(n - k, 1); i--) {
                int j = (int) bounded(i);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
            System.arraycopy(a, n - k, out, 0, k);
            return out;
        }
        Set<Integer> seen = new HashSet<>(k * 2);
        int idx = 0;
        for (int j = n - k; j < n; j++) {
            int v = (int) bounded(j);
            if (seen.add(v)) {
                out[idx++] = v;
            } else {
                seen.add(j);
                out[idx++] = j;
            }
        }
        for (int i = k - 1; i >= 1; i--) {
            int j = (int) bounded(i);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }
}
