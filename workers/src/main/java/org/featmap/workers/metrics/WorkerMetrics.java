package org.featmap.workers.metrics;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.featmap.activities.metrics.StageMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's metrics: one Prometheus registry holding the Temporal SDK's metrics (through
 * tally and {@link MicrometerClientStatsReporter}), the project's own ({@link StageMetrics} bound to
 * Micrometer, sweep progress, GPU memory where nvidia-smi exists) and JVM/process metrics, served
 * over HTTP on {@code /metrics}, {@code /healthz}, {@code /readyz}.
 */
public final class WorkerMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMetrics.class);
    /** Port of the endpoint; unset means no endpoint and no metrics. */
    public static final String PORT_ENV = "FEATMAP_METRICS_PORT";
    /** Same as {@link #PORT_ENV}, set by {@code --metrics-port}; wins over the environment. */
    public static final String PORT_PROPERTY = "featmap.metrics.port";
    /** When "true"/"1", this process also polls the running sweeps' status for the progress gauges. */
    public static final String SWEEPS_ENV = "FEATMAP_METRICS_SWEEPS";

    private final PrometheusMeterRegistry registry;
    private final Scope temporalScope;
    private final MetricsHttpServer server;
    private final SweepProgress sweeps;
    private final ScheduledExecutorService gpuSampler;
    private final boolean gpu;
    private SweepProgressPoller poller;
    private WorkflowServiceStubs pollerStubs;

    private WorkerMetrics(
            PrometheusMeterRegistry registry,
            Scope temporalScope,
            MetricsHttpServer server,
            ScheduledExecutorService gpuSampler,
            boolean gpu) {
        this.registry = registry;
        this.temporalScope = temporalScope;
        this.server = server;
        this.sweeps = new SweepProgress(registry);
        this.gpuSampler = gpuSampler;
        this.gpu = gpu;
    }

    /**
     * Builds the registries, installs the {@link StageMetrics} binding and starts the endpoint.
     *
     * @param port TCP port (0: any free port)
     * @param nvidiaSmi the nvidia-smi to read GPU memory from, or empty for none
     * @param flushEvery how often the Temporal SDK's metrics are copied into the registry
     */
    public static WorkerMetrics start(int port, Optional<Path> nvidiaSmi, Duration flushEvery) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(histograms());
        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Scope scope = new RootScopeBuilder()
                .reporter(new MicrometerClientStatsReporter(registry))
                .reportEvery(com.uber.m3.util.Duration.ofMillis(flushEvery.toMillis()));
        Optional<GpuMetrics> g = nvidiaSmi.flatMap(p -> GpuMetrics.bind(registry, p));
        ScheduledExecutorService sampler = null;
        if (g.isPresent()) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "featmap-gpu-metrics");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleWithFixedDelay(g.get()::refresh, 5, 5, TimeUnit.SECONDS);
        }
        MetricsHttpServer server = new MetricsHttpServer(port, registry, () -> workerStarted(registry));
        StageMetrics.install(new MicrometerStageSink(registry));
        return new WorkerMetrics(registry, scope, server, sampler, g.isPresent());
    }

    /** Percentile histograms (Prometheus _bucket series) for the latencies the dashboards draw. */
    private static MeterFilter histograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                String n = id.getName();
                boolean latency = id.getType() == Meter.Type.TIMER
                        && (n.equals("featmap.node.duration") || n.startsWith("temporal_activity_"));
                if (!latency) return config;
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofHours(24).toNanos())
                        .build()
                        .merge(config);
            }
        };
    }

    private static boolean workerStarted(PrometheusMeterRegistry registry) {
        Counter c = registry.find("temporal_worker_start").counter();
        return c != null && c.count() > 0;
    }

    /** The scope to give {@link WorkflowServiceStubsOptions.Builder#setMetricsScope}. */
    public Scope temporalScope() {
        return temporalScope;
    }

    public int port() {
        return server.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public SweepProgress sweepProgress() {
        return sweeps;
    }

    /** True when GPU gauges were registered (nvidia-smi answered). */
    public boolean gpu() {
        return gpu;
    }

    /** Starts polling the running sweeps of {@code client} every {@code seconds}. */
    public synchronized SweepProgressPoller pollSweeps(WorkflowClient client, long seconds) {
        if (poller == null) {
            poller = new SweepProgressPoller(client, sweeps);
            poller.start(seconds);
        }
        return poller;
    }

    @Override
    public void close() {
        StageMetrics.reset();
        if (poller != null) poller.close();
        if (pollerStubs != null) pollerStubs.shutdown();
        if (gpuSampler != null) gpuSampler.shutdownNow();
        try {
            temporalScope.close(); // flushes the SDK's last metrics
        } catch (com.uber.m3.tally.ScopeCloseException e) {
            LOG.debug("closing the metrics scope: {}", e.getMessage());
        }
        server.close();
        registry.close();
    }

    // ---- process-wide instance, used by the one hook in Temporal.connect ----

    private static WorkerMetrics process;

    /** The configured port: {@code --metrics-port} (system property) or $FEATMAP_METRICS_PORT, else empty. */
    static Optional<Integer> configuredPort() {
        String v = System.getProperty(PORT_PROPERTY);
        if (v == null || v.isBlank()) v = System.getenv(PORT_ENV);
        if (v == null || v.isBlank()) return Optional.empty();
        try {
            int p = Integer.parseInt(v.strip());
            if (p < 0 || p > 65535) throw new NumberFormatException();
            return Optional.of(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_ENV + "/--metrics-port: '" + v + "' is not a TCP port (0..65535)");
        }
    }

    /**
     * The metrics scope for a connection to Temporal at {@code target}: when a metrics port is
     * configured, starts this process's endpoint once (and, with $FEATMAP_METRICS_SWEEPS, the sweep
     * progress poller on {@code namespace}) and returns its scope; otherwise a no-op scope.
     */
    public static synchronized Scope scopeForConnection(String target, String namespace) {
        Optional<Integer> port = configuredPort();
        if (port.isEmpty()) return new NoopScope();
        if (process == null) {
            try {
                process = start(port.get(), GpuMetrics.findOnPath(), Duration.ofSeconds(5));
            } catch (IOException e) {
                throw new UncheckedIOException("metrics endpoint on port " + port.get() + ": " + e.getMessage(), e);
            }
            LOG.info("metrics on :{}/metrics{}", process.port(), process.gpu() ? " (with GPU gauges)" : "");
            String sweepsFlag = System.getenv(SWEEPS_ENV);
            if ("true".equalsIgnoreCase(sweepsFlag) || "1".equals(sweepsFlag)) {
                // its own connection, so its polling does not show up as the worker's RPC metrics
                process.pollerStubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                        .setTarget(target)
                        .build());
                process.pollSweeps(
                        WorkflowClient.newInstance(
                                process.pollerStubs,
                                WorkflowClientOptions.newBuilder()
                                        .setNamespace(namespace)
                                        .build()),
                        15);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> process.close(), "featmap-metrics-close"));
        }
        return process.temporalScope();
    }
}
