/**
 * The test's building blocks (spec §7): test-id selection, feature-space and image metrics (cosine medians, MSE, SSIM,
 * LPIPS, the change mask), the evaluation table, and FeatInv reconstruction (its manifest, DDIM schedule and sampler,
 * noise model and VAE decoder as TorchScript modules). The test of one cell that puts them together is
 * {@code org.featmap.ml.test.TestStage}.
 *
 * <p>Layer: ml, the compute; no Temporal.
 */
package org.featmap.ml.eval;
