/**
 * Adapter of feature extraction (extract) to a graph node: one backbone × dataset × split × source, its shards copied
 * to the store as they finish so a retry elsewhere resumes.
 *
 * <p>Layer: activities, a thin adapter from a node's task to {@code org.featmap.ml.extract}.
 */
package org.featmap.activities.extract;
