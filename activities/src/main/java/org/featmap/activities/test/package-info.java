/**
 * Adapter of the test stage to graph nodes: the test of one cell (test), computed by
 * {@code org.featmap.ml.test.TestStage}.
 *
 * <p>Layer: activities, a thin adapter from a node's task to the compute in ml.
 */
package org.featmap.activities.test;
