package org.featmap.core.contract;

import java.util.List;
import java.util.Map;

/**
 * What an activity is asked to compute: one node. Small by design (ARCHITECTURE "Data flow"):
 * params as canonical JSON and the (stage, key) of each input, never data.
 *
 * @param sweep the sweep's name (for tracking)
 * @param sweepRunId the sweep's parent tracking run, or null without tracking
 * @param nodeId readable node id
 * @param stage stage id
 * @param key content key
 * @param paramsJson canonical JSON of the node's params
 * @param inputs the nodes it reads, by role
 * @param storeUri where outputs go and inputs come from
 * @param inputsRef when not null, the inputs are too many for a payload (the report of a large grid reads
 *     every result node): a JSON file in the store listing them ({@link #inputs} is then empty); the
 *     activity reads it back ({@code SweepActivities.publishReportInputs} writes it) before running the node
 */
public record NodeTask(
        String sweep,
        String sweepRunId,
        String nodeId,
        String stage,
        String key,
        String paramsJson,
        List<InputRef> inputs,
        String storeUri,
        org.featmap.core.store.ArtifactRef inputsRef) {
    public NodeTask {
        inputs = List.copyOf(inputs);
    }

    public NodeTask(
            String sweep,
            String sweepRunId,
            String nodeId,
            String stage,
            String key,
            String paramsJson,
            List<InputRef> inputs,
            String storeUri) {
        this(sweep, sweepRunId, nodeId, stage, key, paramsJson, inputs, storeUri, null);
    }

    /** The same task with its inputs listed in place of a reference to them. */
    public NodeTask withInputs(List<InputRef> listed) {
        return new NodeTask(sweep, sweepRunId, nodeId, stage, key, paramsJson, listed, storeUri, null);
    }

    public record InputRef(String role, String nodeId, String stage, String key) {}

    public List<InputRef> inputs(String role) {
        return inputs.stream().filter(i -> i.role().equals(role)).toList();
    }

    public InputRef input(String role) {
        List<InputRef> l = inputs(role);
        if (l.size() != 1)
            throw new IllegalArgumentException(nodeId + ": expected one input '" + role + "', found " + l.size());
        return l.get(0);
    }

    /** Convenience for tests and adapters. */
    public static Map<String, Object> noParams() {
        return Map.of();
    }
}
