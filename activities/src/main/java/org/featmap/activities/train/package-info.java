/**
 * Adapter of one mapping-training cell (train) to a graph node: epoch checkpoints copied to the store so a retry on any
 * host resumes, the losses logged to the node's run and heartbeated.
 *
 * <p>Layer: activities, a thin adapter from a node's task to {@code org.featmap.ml.train}.
 */
package org.featmap.activities.train;
