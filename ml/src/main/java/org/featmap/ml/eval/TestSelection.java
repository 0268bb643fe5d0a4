package org.featmap.ml.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Test-id selection of spec §7.1 with the deterministic fix of §11 B12: the candidate original ids
 * (intersection over backbones, or all ids of one backbone) are sorted string-wise and de-duplicated,
 * then {@code min(subsetSize, n)} of them are drawn with {@code numpy.random.default_rng(42).choice(n,
 * k, replace=False)} semantics, supplied as a {@link Chooser} (wired to NumpyDefaultRng by the caller).
 * The reference draws from a hash-ordered set (two backbones) or a list with duplicates (one
 * backbone), so its exact ids are not reproducible; this rule is.
 */
public final class TestSelection {
    public static final int DEFAULT_SUBSET_SIZE = 100;

    /** Draw k distinct indices of 0..n−1 (numpy Generator.choice(n, k, replace=False) semantics). */
    @FunctionalInterface
    public interface Chooser {
        int[] choose(int n, int k);
    }

    /** The selected ids, in draw order. */
    public record Selection(List<String> ids, int candidates) {
        public Set<String> asSet() {
            return new LinkedHashSet<>(ids);
        }
    }

    private TestSelection() {}

    /** Selection over the ids present in every backbone's list (one list = one backbone). */
    public static Selection select(List<? extends Collection<String>> idsPerBackbone, int subsetSize, Chooser chooser) {
        if (idsPerBackbone.isEmpty())
            throw new IllegalArgumentException("test selection needs at least one backbone's ids");
        TreeSet<String> common = new TreeSet<>(idsPerBackbone.get(0));
        for (int i = 1; i < idsPerBackbone.size(); i++) common.retainAll(new TreeSet<>(idsPerBackbone.get(i)));
        return selectSorted(new ArrayList<>(common), subsetSize, chooser);
    }

    /** Selection over one candidate list (sorted and de-duplicated here). */
    public static Selection select(Collection<String> candidateIds, int subsetSize, Chooser chooser) {
        return selectSorted(new ArrayList<>(new TreeSet<>(candidateIds)), subsetSize, chooser);
    }

    private static Selection selectSorted(List<String> sorted, int subsetSize, Chooser chooser) {
        if (subsetSize < 0) throw new IllegalArgumentException("subset_size " + subsetSize + " must be >= 0");
        int n = sorted.size();
        int k = Math.min(subsetSize, n);
        int[] idx = chooser.choose(n, k);
        if (idx.length != k)
            throw new IllegalStateException("chooser returned " + idx.length + " indices, expected " + k);
        List<String> ids = new ArrayList<>(k);
        Set<Integer> seen = new java.util.HashSet<>();
        for (int i : idx) {
            if (i < 0 || i >= n || !seen.add(i))
                throw new IllegalStateException("chooser returned invalid or repeated index " + i + " for n = " + n);
            ids.add(sorted.get(i));
        }
        return new Selection(List.copyOf(ids), n);
    }

    /** Indices of the pairs whose original id is selected, keeping pair order (spec §7.1 step 2). */
    public static int[] filterPairs(List<String> pairOriginalIds, Set<String> selected) {
        return java.util.stream.IntStream.range(0, pairOriginalIds.size())
                .filter(i -> selected.contains(pairOriginalIds.get(i)))
                .toArray();
    }
}
