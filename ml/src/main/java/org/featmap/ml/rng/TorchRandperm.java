package org.featmap.ml.rng;

/**
 * torch CPU {@code randperm(n, generator=manual_seed(seed))} for n < 2^32/20 (spec §12.4, AV13):
 * MT19937 seeded by init_genrand, then a forward Fisher–Yates with {@code u32 mod (n − i)}.
 */
public final class TorchRandperm {
    private TorchRandperm() {}

    public static int[] randperm(int n, long seed) {
        if (n < 0 || n >= (int) (0xFFFFFFFFL / 20)) {
            throw new IllegalArgumentException("randperm n=" + n + ": allowed 0..214748363");
        }
        Mt19937 mt = new Mt19937(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = 0; i < n - 1; i++) {
            int z = (int) ((mt.nextInt() & 0xFFFFFFFFL) % (n - i));
            int t = a[i];
            a[i] = a[i + z];
            a[i + z] = t;
        }
        return a;
    }

    /** Standard MT19937 (Matsumoto–Nishimura) with init_genrand seeding. */
    public static final class Mt19937 {
        private final int[] mt = new int[624];
        private int mti;

        public Mt19937(long seed) {
            mt[0] = (int) seed;
            for (int i = 1; i < 624; i++) {
                mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
            }
            mti = 624;
        }

        public int nextInt() {
            if (mti >= 624) {
                for (int k = 0; k < 624; k++) {
                    int y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
                    mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
                }
                mti = 0;
            }
            int y = mt[mti++];
            y ^= y >>> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            y ^= y >>> 18;
            return y;
        }
    }
}
