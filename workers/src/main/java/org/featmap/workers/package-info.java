/**
 * The {@code featmap} command and its sub-commands: plan, run, status, cancel, worker, verify, doctor, ingest, and the
 * stage commands that run one stage standalone through the same adapter path as a node; with the preflight checks,
 * fingerprints, tracking and Temporal connection setup they need.
 *
 * <p>Layer: workers, the entry points; they wire core, ml, activities and workflows together.
 */
package org.featmap.workers;
