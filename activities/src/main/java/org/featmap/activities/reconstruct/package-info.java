/**
 * Adapter of the reconstruct stage to graph nodes: the decoder training (reconstruct), computed by
 * {@code org.featmap.ml.reconstruct.DecoderTrainStage}.
 *
 * <p>Layer: activities, a thin adapter from a node's task to the compute in ml.
 */
package org.featmap.activities.reconstruct;
