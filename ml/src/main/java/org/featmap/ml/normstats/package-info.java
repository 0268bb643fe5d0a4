/**
 * Normalisation statistics (spec §4.2): {@code NormStatsStage} computes the per-channel mean and std of a layer's
 * "resized" train maps, {@link org.featmap.ml.normstats.NormStatsFile} writes and reads them as {@code norm.json}
 * for every stage that normalises.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapter is {@code org.featmap.activities.normstats}.
 */
package org.featmap.ml.normstats;
