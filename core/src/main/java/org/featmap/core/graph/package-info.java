/**
 * The experiment graph of the stages declared in {@link org.featmap.core.stage.Stage}: the pure planner that turns a
 * config and fingerprints into nodes with content keys, one method per stage ({@link org.featmap.core.graph.Planner}),
 * and the plan's cost estimate.
 *
 * <p>Layer: core, the contract, no I/O: the same config and fingerprints give the same graph, so workflows plan
 * inside replay.
 */
package org.featmap.core.graph;
