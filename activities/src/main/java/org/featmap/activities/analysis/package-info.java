/**
 * Adapters of the linear-map analyses to graph nodes: W·x versus bias (wxb, spec §9.1) and the SVD metrics (svd,
 * §9.2–9.3); also called by the CLI's stage commands.
 *
 * <p>Layer: activities, thin adapters from a node's task to the compute in ml.
 */
package org.featmap.activities.analysis;
