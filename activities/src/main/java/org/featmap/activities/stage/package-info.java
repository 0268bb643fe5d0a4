/**
 * What every stage's adapter shares: the one dynamic activity that answers each stage's activity type (its handler
 * table is {@code org.featmap.activities.handlers}), the node runner (cache check, compute, publish, commit the
 * manifest last), the stage context, the worker's input cache, checkpoints in the store, the work lock, helpers
 * adapters share (the worker's device, feature and norm inputs, a cell's mode name) and the sweep-level activities.
 *
 * <p>Layer: activities, the Temporal side of a node; the compute stays in ml.
 */
package org.featmap.activities.stage;
