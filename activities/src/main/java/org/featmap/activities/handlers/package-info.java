/**
 * The handler table: each stage's id to its adapter's entry point. It sits above the adapters and the shared
 * {@code org.featmap.activities.stage} machinery they use, so that machinery does not depend on every adapter (no
 * package cycle, {@code PackageCyclesTest}); the workers hand the table to the one dynamic activity.
 *
 * <p>Layer: activities.
 */
package org.featmap.activities.handlers;
