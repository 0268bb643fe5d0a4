/**
 * Adapter of the normalisation statistics (normstats) to a graph node: reads a layer's "resized" train partition and
 * writes {@code norm.json}.
 *
 * <p>Layer: activities, a thin adapter from a node's task to {@code org.featmap.ml.normstats}.
 */
package org.featmap.activities.normstats;
