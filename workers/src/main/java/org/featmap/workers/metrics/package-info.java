/**
 * A worker's metrics: one Prometheus registry with the Temporal SDK's and the project's own (node durations, cache
 * hits, sweep progress, GPU memory and use), served on {@code /metrics} beside {@code /healthz} and {@code /readyz}.
 *
 * <p>Layer: workers, the entry points.
 */
package org.featmap.workers.metrics;
