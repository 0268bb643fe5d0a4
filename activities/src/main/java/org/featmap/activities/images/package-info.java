/**
 * Adapters of the image stages to graph nodes: the synthetic dataset (synth), the direct manipulations (manipulate) and
 * the import of generative edits (edit).
 *
 * <p>Layer: activities, thin adapters from a node's task to {@code org.featmap.ml.images}.
 */
package org.featmap.activities.images;
