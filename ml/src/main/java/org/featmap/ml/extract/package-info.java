/**
 * Feature extraction (spec §3, stage S3): {@code ExtractStage.run(ExtractOptions) → ExtractReport} enumerates a split's
 * images in ImageFolder order, runs the backbone in batches and streams every requested layer into its Arrow feature
 * store, resuming after the shards an earlier attempt finished.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapter is {@code org.featmap.activities.extract}.
 */
package org.featmap.ml.extract;
