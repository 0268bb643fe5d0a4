/**
 * Images and the image stages: decoding and encoding with the reference's (Pillow's) semantics, bit-exact ports of the
 * Pillow operations the manipulations use, the 12 direct manipulations and the direct-manipulation stage
 * ({@code ManipulateStage}, S1), the import of generative edits (S2), dataset ingestion and the synthetic dataset.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapters are in {@code org.featmap.activities.images}.
 */
package org.featmap.ml.images;
