package org.featmap.ml.train;

import java.util.Arrays;
import org.featmap.ml.rng.NumpyDefaultRng;
import org.featmap.ml.rng.TorchRandperm;

/**
 * Subset and train/val split of spec §6.2: k = min(subsetSize, |P|) pairs chosen with numpy
 * default_rng(42).choice, then torch randperm(k) seeded 42; both seeds are hard-coded 42 in the
 * reference (its config seed is never read).
 *
 * @param train dataset pair indices of the training part, in loader order
 * @param val dataset pair indices of the validation part, in loader order
 */
public record DataSplit(int[] train, int[] val) {
    public static final long SUBSET_SEED = 42;
    public static final long SPLIT_SEED = 42;

    public static DataSplit of(int pairs, int subsetSize, double valRatio) {
        if (pairs < 1) {
            throw new IllegalArgumentException("training data: the pair list is empty");
        }
        int k = Math.min(subsetSize, pairs);
        int[] subset = new NumpyDefaultRng(SUBSET_SEED).choiceWithoutReplacement(pairs, k);
        int nTrain = (int) Math.floor((1 - valRatio) * k);
        int[] perm = TorchRandperm.randperm(k, SPLIT_SEED);
        int[] train = new int[nTrain];
        int[] val = new int[k - nTrain];
        for (int i = 0; i < k; i++) {
            if (i < nTrain) {
                train[i] = subset[perm[i]];
            } else {
                val[i - nTrain] = subset[perm[i]];
            }
        }
        return new DataSplit(train, val);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSplit d && Arrays.equals(train, d.train) && Arrays.equals(val, d.val);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(train) + Arrays.hashCode(val);
    }
}
