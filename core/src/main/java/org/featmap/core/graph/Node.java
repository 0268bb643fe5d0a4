package org.featmap.core.graph;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.featmap.core.stage.Stage;

/**
 * One node of the experiment graph.
 *
 * @param id readable unique id, e.g. {@code train/STANFORD_CARS/direct/convnext/feat3/grayscale/linear}
 * @param stage its stage
 * @param key content key: sha256(stage, code version, canonical params, input keys)
 * @param params the node's parameters (canonicalised: sorted keys; values are strings, numbers,
 *     booleans, lists and maps of those)
 * @param inputs ids of the nodes it consumes, with the role each plays
 * @param cell the id of the mapping cell it belongs to (train and everything below one train), or
 *     null for shared nodes
 */
public record Node(
        String id, Stage stage, String key, SortedMap<String, Object> params, List<Input> inputs, String cell) {
    public Node {
        params = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(params));
        inputs = List.copyOf(inputs);
    }

    /** An edge: this node reads {@code nodeId}'s outputs as {@code role}. */
    public record Input(String role, String nodeId) {}
}
