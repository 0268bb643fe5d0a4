/**
 * Adapters of the evaluation stages to graph nodes: the decoder training (reconstruct) and the test of one cell (test).
 * The test's compute, {@code TestCell}, still lives here rather than in ml (issue #17 item 2).
 *
 * <p>Layer: activities, adapters from a node's task to the compute in ml.
 */
package org.featmap.activities.eval;
