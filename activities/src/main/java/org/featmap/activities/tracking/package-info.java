/**
 * Experiment tracking's implementations: the MLflow tracker (Java client, retried, artifacts through S3), an in-memory
 * tracker with MLflow's rules, the run of a node in an execution, and the scrubber that keeps secrets out of params
 * and tags.
 *
 * <p>Layer: activities; implements {@code org.featmap.core.tracking.Tracker}.
 */
package org.featmap.activities.tracking;
