/**
 * Experiment tracking as MLflow models it (experiments, nested runs, params, step metrics, artifacts), as an interface;
 * the MLflow client and the in-memory tracker live in {@code org.featmap.activities.tracking}.
 *
 * <p>Layer: core, the contract, no I/O.
 */
package org.featmap.core.tracking;
