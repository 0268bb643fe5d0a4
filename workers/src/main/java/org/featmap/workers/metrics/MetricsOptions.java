package org.featmap.workers.metrics;

import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} for a command ({@code @Mixin MetricsOptions metrics;}): sets the port the
 * next Temporal connection of this process serves its metrics on (same as $FEATMAP_METRICS_PORT).
 */
public final class MetricsOptions {
    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description =
                    "serve Prometheus metrics on this port (/metrics, /healthz, /readyz); default: $FEATMAP_METRICS_PORT, else none")
    void port(int port) {
        if (port < 0 || port > 65535)
            throw new IllegalArgumentException("--metrics-port: " + port + " is not a TCP port (0..65535)");
        System.setProperty(WorkerMetrics.PORT_PROPERTY, Integer.toString(port));
    }
}
