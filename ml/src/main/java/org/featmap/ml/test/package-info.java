/**
 * The test of one mapping cell (spec §7, stage S5): {@code TestStage.run(TestOptions) → TestResult} selects the test
 * ids, maps the test features, scores them against the true targets and, through the layer's decoder or FeatInv, the
 * images; it writes the feature metrics, the evaluation table (CSV and Arrow), the reconstructions with their index, and
 * a grid of them.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapter is {@code TestStages.test} in {@code org.featmap.activities.test}.
 */
package org.featmap.ml.test;
