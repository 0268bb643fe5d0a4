/**
 * The stages of the study, each declared once in {@link org.featmap.core.stage.Stage}: id (= activity type = store
 * folder), code version, default pool and queue, report entry. The config (queue defaults, stage names) and the
 * graph (the planner's nodes) both read it, so it is a package of its own that depends on neither (no package
 * cycle).
 *
 * <p>Layer: core, the contract; no I/O.
 */
package org.featmap.core.stage;
