/**
 * The analysis stages of a linear cell ({@code LinearCell}): W·x versus bias ({@code WxbStage.run(WxbOptions) →
 * WxbResult}, spec §9.1) and the spectrum of its weight ({@code SvdStage.run(SvdOptions) → SvdResult}, §9.2–9.3), and
 * the metrics they and other stages use: classification-probability metrics (§8.3), the W·x/bias metrics
 * ({@code WxbMetrics}), the singular values and spectrum metrics ({@code SvdMetrics}), and the classifier's
 * learning-rate schedule.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapters are in {@code org.featmap.activities.analysis}.
 */
package org.featmap.ml.analysis;
