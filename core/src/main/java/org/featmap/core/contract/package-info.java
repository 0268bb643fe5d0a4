/**
 * What workflows and activities exchange: the task of a node ({@link org.featmap.core.contract.NodeTask}) and its small
 * result, the sweep's request and status, the sweep activities' interface, progress reporting for long computations
 * and the exceptions that mark a failure as not retryable.
 *
 * <p>Layer: core, the contract, no I/O; of Temporal it carries the activity-interface annotations only.
 */
package org.featmap.core.contract;
