/**
 * The learned-inversion decoder (our own model, not the reference's): training
 * ({@code DecoderTrainStage.run(DecoderOptions) → DecoderResult}), its model, loss, targets and sidecar, loading a
 * trained decoder for the test, and the PNG grid of reconstructions.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapter is {@code ReconstructStages.reconstruct} in
 * {@code org.featmap.activities.reconstruct}.
 */
package org.featmap.ml.reconstruct;
