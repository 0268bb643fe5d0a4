/**
 * The Temporal workflows: the sweep (plans the graph, runs shared nodes as activities and mapping cells in batches in
 * dependency order), its batches and the older per-cell children, the dependency runner, activity stubs per stage and
 * the merged live status.
 *
 * <p>Layer: workflows, deterministic orchestration only: no DJL, store or MLflow; changes keep committed histories
 * replaying (docs/ARCHITECTURE.md "Changing workflow code").
 */
package org.featmap.workflows;
