package org.featmap.core.graph;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.stage.Stage;

/** The planned graph: nodes in a topological order (every node after its inputs). */
public record ExperimentGraph(List<Node> nodes) {
    public ExperimentGraph {
        nodes = List.copyOf(nodes);
    }

    public Map<String, Node> byId() {
        Map<String, Node> m = new LinkedHashMap<>();
        for (Node n : nodes) m.put(n.id(), n);
        return Collections.unmodifiableMap(m);
    }

    /** Node counts per stage, in stage order, stages without nodes included as 0. */
    public Map<Stage, Integer> counts() {
        Map<Stage, Integer> c = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) c.put(s, 0);
        for (Node n : nodes) c.merge(n.stage(), 1, Integer::sum);
        return c;
    }

    public List<Node> ofStage(Stage s) {
        return nodes.stream().filter(n -> n.stage() == s).toList();
    }
}
