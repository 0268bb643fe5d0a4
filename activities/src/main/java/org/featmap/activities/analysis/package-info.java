/**
 * Adapters of the linear-map analyses to graph nodes: W·x versus bias (wxb, spec §9.1, computed by
 * {@code org.featmap.ml.analysis.WxbStage}) and the SVD metrics (svd, §9.2–9.3, by
 * {@code org.featmap.ml.analysis.SvdStage}); their plain-path methods are also called by the CLI's stage commands.
 *
 * <p>Layer: activities, thin adapters from a node's task to the compute in ml.
 */
package org.featmap.activities.analysis;
