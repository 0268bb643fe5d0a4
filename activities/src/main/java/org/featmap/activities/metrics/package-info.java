/**
 * Where stages and the node runner report what the workers' dashboards show, without knowing the metrics library; the
 * workers install a Micrometer sink ({@code org.featmap.workers.metrics}), the default does nothing.
 *
 * <p>Layer: activities.
 */
package org.featmap.activities.metrics;
