package org.featmap.workers.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.featmap.activities.metrics.StageMetrics;

/**
 * The project's own metrics on a Micrometer registry. Prometheus names: {@code
 * featmap_node_duration_seconds} (timer; tags stage, cached), {@code featmap_cache_hits_total} and
 * {@code featmap_cache_misses_total} (tag stage; hits here are the node runner's own cache check — the
 * sweep workflow's lookup, which skips most cached nodes before scheduling, shows in {@code
 * featmap_nodes_cached}), {@code featmap_images_per_second} and {@code
 * featmap_samples_per_second} (gauges; tag stage).
 */
final class MicrometerStageSink implements StageMetrics.Sink {
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> rates = new ConcurrentHashMap<>();

    MicrometerStageSink(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void nodeFinished(String stage, boolean cached, double seconds, Map<String, String> summary) {
        Timer.builder("featmap.node.duration")
                .description("wall time of a node in this worker, cache check included")
                .tags("stage", stage, "cached", Boolean.toString(cached))
                .register(registry)
                .record(Duration.ofNanos((long) (seconds * 1e9)));
        // both registered on a stage's first node, so a ratio has a 0 rather than a missing series
        Counter hits = Counter.builder("featmap.cache.hits")
                .description("nodes the node runner served from the store")
                .tag("stage", stage)
                .register(registry);
        Counter misses = Counter.builder("featmap.cache.misses")
                .description("nodes the node runner computed")
                .tag("stage", stage)
                .register(registry);
        (cached ? hits : misses).increment();
        if (cached || seconds <= 0) return;
        // a node that says how many items it processed gives its throughput (StageMetrics.IMAGES / SAMPLES)
        count(summary, StageMetrics.IMAGES).ifPresent(n -> rate(stage, StageMetrics.Rate.IMAGES, n / seconds));
        count(summary, StageMetrics.SAMPLES).ifPresent(n -> rate(stage, StageMetrics.Rate.SAMPLES, n / seconds));
    }

    @Override
    public void rate(String stage, StageMetrics.Rate rate, double perSecond) {
        String name = rate == StageMetrics.Rate.IMAGES ? "featmap.images.per.second" : "featmap.samples.per.second";
        AtomicReference<Double> holder = rates.computeIfAbsent(name + "|" + stage, k -> {
            AtomicReference<Double> h = new AtomicReference<>(0.0);
            Gauge.builder(name, h, AtomicReference::get)
                    .description("last reported throughput of a stage in this worker")
                    .tag("stage", stage)
                    .register(registry);
            return h;
        });
        holder.set(perSecond);
    }

    private static java.util.Optional<Double> count(Map<String, String> summary, String key) {
        String v = summary.get(key);
        if (v == null) return java.util.Optional.empty();
        try {
            double d = Double.parseDouble(v);
            return d > 0 ? java.util.Optional.of(d) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty(); // a summary value is free text; not a count then
        }
    }
}
