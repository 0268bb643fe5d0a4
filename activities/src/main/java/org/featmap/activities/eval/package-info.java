/**
 * Adapters of the evaluation stages to graph nodes: the decoder training (reconstruct, to
 * {@code org.featmap.ml.reconstruct}) and the test of one cell (test, to {@code org.featmap.ml.test}).
 *
 * <p>Layer: activities, thin adapters from a node's task to the compute in ml.
 */
package org.featmap.activities.eval;
