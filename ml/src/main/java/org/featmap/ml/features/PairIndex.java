package org.featmap.ml.features;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original ↔ manipulated pairs of spec §3.5 ({@code pairs.npy}): built from index.json
 * semantics — per original_id a dict manipulation → row where later rows overwrite earlier ones but
 * keep their first-appearance position (Python dict); for every id with a {@code resized} row, one
 * pair (row of resized, row of M, M) per other manipulation M. Ids in order of first appearance.
 */
public record PairIndex(int[] originalRow, int[] manipulatedRow, String[] manipulation) {
    public static final String ORIGINAL = "resized";

    public static PairIndex build(List<String> originalIds, List<String> manipulations) {
        Map<String, LinkedHashMap<String, Integer>> index = new LinkedHashMap<>();
        for (int row = 0; row < originalIds.size(); row++)
            index.computeIfAbsent(originalIds.get(row), k -> new LinkedHashMap<>())
                    .put(manipulations.get(row), row);
        List<int[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (LinkedHashMap<String, Integer> byManip : index.values()) {
            Integer o = byManip.get(ORIGINAL);
            if (o == null) continue;
            for (Map.Entry<String, Integer> e : byManip.entrySet()) {
                if (e.getKey().equals(ORIGINAL)) continue;
                rows.add(new int[] {o, e.getValue()});
                names.add(e.getKey());
            }
        }
        int[] a = new int[rows.size()], b = new int[rows.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rows.get(i)[0];
            b[i] = rows.get(i)[1];
        }
        return new PairIndex(a, b, names.toArray(String[]::new));
    }

    public int size() {
        return originalRow.length;
    }

    /** The pairs of one manipulation, order kept. */
    public PairIndex filter(String manip) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < size(); i++) if (manipulation[i].equals(manip)) keep.add(i);
        int[] a = new int[keep.size()], b = new int[keep.size()];
        String[] m = new String[keep.size()];
        for (int j = 0; j < a.length; j++) {
            a[j] = originalRow[keep.get(j)];
            b[j] = manipulatedRow[keep.get(j)];
            m[j] = manipulation[keep.get(j)];
        }
        return new PairIndex(a, b, m);
    }
}
