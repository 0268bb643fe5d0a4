/**
 * The metrics of the analysis stages: classification-probability metrics (spec §8.3), the W·x versus bias analysis of a
 * linear map (§9.1), its singular values and spectrum metrics (§9.2–9.3), and the classifier's learning-rate schedule.
 *
 * <p>Layer: ml, the compute; no Temporal.
 */
package org.featmap.ml.analysis;
