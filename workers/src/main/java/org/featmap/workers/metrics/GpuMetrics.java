package org.featmap.workers.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GPU memory in use and utilisation, read from {@code nvidia-smi} where it is on the PATH; where it is
 * not (CPU workers) nothing is registered, so no dashboard shows a made-up zero. Prometheus names:
 * {@code featmap_gpu_memory_bytes} and {@code featmap_gpu_utilization_ratio} (tag gpu: the index).
 */
final class GpuMetrics {
    static final String QUERY = "--query-gpu=index,memory.used,utilization.gpu";

    /** One row of nvidia-smi's csv output. */
    record Reading(String gpu, double memoryBytes, double utilization) {}

    private final Path nvidiaSmi;
    private final Map<String, AtomicReference<Reading>> last = new ConcurrentHashMap<>();

    private GpuMetrics(Path nvidiaSmi) {
        this.nvidiaSmi = nvidiaSmi;
    }

    /** The nvidia-smi on the PATH, if any. */
    static Optional<Path> findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "nvidia-smi");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Registers the GPU gauges when {@code nvidiaSmi} answers once; otherwise registers nothing.
     *
     * @return the bound metrics, or empty when the tool is missing or fails
     */
    static Optional<GpuMetrics> bind(MeterRegistry registry, Path nvidiaSmi) {
        GpuMetrics g = new GpuMetrics(nvidiaSmi);
        List<Reading> first;
        try {
            first = g.read();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (first.isEmpty()) return Optional.empty();
        for (Reading r : first) {
            AtomicReference<Reading> h = new AtomicReference<>(r);
            g.last.put(r.gpu(), h);
            Gauge.builder("featmap.gpu.memory.bytes", h, x -> x.get().memoryBytes())
                    .description("GPU memory in use (nvidia-smi memory.used)")
                    .baseUnit("bytes")
                    .tag("gpu", r.gpu())
                    .register(registry);
            Gauge.builder("featmap.gpu.utilization.ratio", h, x -> x.get().utilization())
                    .description("GPU utilisation 0..1 (nvidia-smi utilization.gpu)")
                    .tag("gpu", r.gpu())
                    .register(registry);
        }
        return Optional.of(g);
    }

    /** Refreshes the gauges (called by a sampler thread; a failed read keeps the last values). */
    void refresh() {
        try {
            for (Reading r : read()) {
                AtomicReference<Reading> h = last.get(r.gpu());
                if (h != null) h.set(r);
            }
        } catch (IOException e) {
            // transient (driver busy): keep the last reading
        }
    }

    List<Reading> read() throws IOException {
        Process p = new ProcessBuilder(nvidiaSmi.toString(), QUERY, "--format=csv,noheader,nounits")
                .redirectErrorStream(true)
                .start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nvidia-smi did not answer in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) throw new IOException("nvidia-smi exited " + p.exitValue() + ": " + out.strip());
        return parse(out);
    }

    /** Parses lines like {@code 0, 1234, 56} (index, MiB used, percent). */
    static List<Reading> parse(String csv) throws IOException {
        List<Reading> l = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) continue;
            String[] f = line.split(",");
            if (f.length < 3)
                throw new IOException(
                        "nvidia-smi: unexpected line '" + line + "' (want index, memory.used, utilization.gpu)");
            try {
                double mib = Double.parseDouble(f[1].strip());
                String u = f[2].strip();
                double util = u.startsWith("[") ? Double.NaN : Double.parseDouble(u) / 100.0; // "[N/A]" on some boards
                l.add(new Reading(f[0].strip(), mib * 1024 * 1024, util));
            } catch (NumberFormatException e) {
                throw new IOException("nvidia-smi: unexpected line '" + line + "' (want numbers)");
            }
        }
        return l;
    }
}
