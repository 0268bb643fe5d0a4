package org.featmap.core.contract;

import java.util.Base64;
import java.util.BitSet;

/**
 * Which nodes of a plan a launch found cached, as one bit per node in the plan's order, Base64: the
 * workflow hands it to the activity that records them, which plans the same graph. 2,045 nodes are 344
 * characters and 20,000 about 3.4 KB, where a list of their keys would pass a payload's limit.
 */
public final class CachedNodes {
    private CachedNodes() {}

    public static String encode(BitSet cached) {
        return Base64.getEncoder().encodeToString(cached.toByteArray());
    }

    public static BitSet decode(String encoded) {
        return BitSet.valueOf(Base64.getDecoder().decode(encoded));
    }
}
