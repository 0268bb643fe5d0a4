package org.featmap.ml.extract;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest.LayerEntry;
import org.featmap.ml.backbone.FeatureImageDecoder;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.extract.ExtractReport.Failure;
import org.featmap.ml.extract.ImageFolderSamples.Sample;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeaturePartitions;
import org.featmap.ml.features.FeatureStoreSpec;
import org.featmap.ml.features.FeatureStoreWriter;
import org.featmap.ml.features.SampleRow;

/**
 * Stage S3 (spec §3): enumerate images (§3.4), preprocess (§3.2), run the backbone in batches and
 * stream every requested layer into its Arrow feature store, partitioned by manipulation ({@link FeaturePartitions}). Decoding, the forward and the Arrow write of
 * consecutive batches overlap on separate threads (memory: three batches). Resumes after the last complete
 * shard; undecodable images are listed in the report and skipped.
 */
public final class ExtractStage {
    private ExtractStage() {}

    private record Prepared(List<Sample> ok, float[] pixels, List<Failure> failures, int nextSampleId) {}

    public static ExtractReport run(ExtractOptions o) throws IOException {
        long t0 = System.nanoTime();
        if (o.threads() > 0) {
            Engine.getEngine("PyTorch"); // loads libtorch; the JNI call below needs it
            JniUtils.setNumThreads(o.threads());
        }
        List<Sample> samples = ImageFolderSamples.enumerate(o.imagesDir(), o.sourceFolder());
        try (Backbone backbone = Backbone.open(o.backboneDir(), o.device(), o.layers())) {
            Preprocess pre = Preprocess.of(backbone.manifest());
            String backboneName = backbone.manifest().timmId();
            // a store per (layer, manipulation): the layer partitioned by manipulation (FeaturePartitions, issue #13
            // item 3)
            Map<String, Map<String, FeatureStoreWriter>> writers = new LinkedHashMap<>();
            Map<String, Path> dirs = new LinkedHashMap<>();
            List<String> manipulations = samples.stream()
                    .map(Sample::manipulation)
                    .filter(m -> !m.isEmpty())
                    .distinct()
                    .sorted()
                    .toList();
            ExecutorService decoder = Executors.newSingleThreadExecutor(daemon("extract-prefetch"));
            ExecutorService pool = Executors.newFixedThreadPool(DECODE_THREADS, daemon("extract-decode"));
            ExecutorService writer = Executors.newSingleThreadExecutor(daemon("extract-write"));
            try {
                int resume = Integer.MAX_VALUE;
                boolean allComplete = true;
                for (LayerEntry l : backbone.layers()) {
                    FeatureStoreSpec spec = new FeatureStoreSpec(
                            backboneName,
                            backbone.manifest().weightsSha256(),
                            l.name(),
                            o.dataset(),
                            o.split(),
                            o.sourceFolder(),
                            l.chw(),
                            o.dtype(),
                            o.compression(),
                            o.rowsPerShard());
                    Path dir = o.outDir().resolve(l.name());
                    dropSingleStoreLeftovers(dir);
                    Map<String, FeatureStoreWriter> byManip = new LinkedHashMap<>();
                    writers.put(l.name(), byManip);
                    dirs.put(l.name(), dir);
                    for (String m : manipulations) {
                        FeatureStoreWriter w = FeatureStoreWriter.open(dir.resolve(FeaturePartitions.dirName(m)), spec);
                        byManip.put(m, w);
                        if (!w.complete()) {
                            allComplete = false;
                            resume = Math.min(resume, w.nextSampleId());
                        }
                    }
                }
                if (allComplete) {
                    int rows = 0;
                    for (FeatureStoreWriter w :
                            writers.values().iterator().next().values()) rows += w.rowsWritten();
                    return new ExtractReport(samples.size(), rows, samples.size(), List.of(), dirs, seconds(t0), 0);
                }
                if (resume == Integer.MAX_VALUE) resume = 0; // no writer: no decodable name; every sample fails below
                List<Failure> failures = new ArrayList<>();
                int crop = pre.crop();
                int start = resume, processed = 0;
                // Three stages on their own threads (issue #20 item 3): decode + preprocess of the next batch (its
                // images
                // spread over DECODE_THREADS), the forward of this one (libtorch's own threads), the Arrow write of the
                // previous one. Bounded: one batch decoding, one in the forward, one being written.
                // On a CPU device whose libtorch threads take every core, a decode running beside the forward slows the
                // forward more than it saves (measured before issue #20): there the next batch is decoded right after
                // the
                // forward, still spread over all cores. With a GPU, or a free core, it is decoded during the forward.
                boolean overlap = !o.device().getDeviceType().equals(ai.djl.Device.Type.CPU)
                        || Runtime.getRuntime().availableProcessors() > JniUtils.getNumThreads();
                Future<Prepared> next = start < samples.size()
                        ? decoder.submit(() -> prepare(samples, start, o.batchSize(), pre, pool))
                        : null;
                Future<?> writing = null;
                int written = start;
                while (next != null) {
                    Prepared batch = get(next);
                    int after = batch.nextSampleId();
                    next = overlap && after < samples.size()
                            ? decoder.submit(() -> prepare(samples, after, o.batchSize(), pre, pool))
                            : null;
                    failures.addAll(batch.failures());
                    Map<FeatureStoreWriter, Rows> bytes = new java.util.IdentityHashMap<>();
                    if (!batch.ok().isEmpty()) {
                        try (NDManager m = org.featmap.ml.ComputeDevice.manager(o.device())) {
                            NDArray x = org.featmap.ml.Tensors.owned(
                                    m, batch.pixels(), new Shape(batch.ok().size(), 3, crop, crop));
                            Map<String, NDArray> feats = backbone.forward(x);
                            for (Map.Entry<String, Map<String, FeatureStoreWriter>> e : writers.entrySet())
                                rowsToWrite(e.getValue(), batch, feats.get(e.getKey()), o.dtype(), bytes);
                        }
                    }
                    if (!overlap && after < samples.size())
                        next = decoder.submit(() -> prepare(samples, after, o.batchSize(), pre, pool));
                    if (writing != null) {
                        await(writing);
                        o.progress()
                                .report(
                                        written,
                                        samples.size(),
                                        "nextSampleId=" + written); // caller's thread, after the write
                    }
                    writing = writer.submit(() -> {
                        for (Map<String, FeatureStoreWriter> byManip : writers.values())
                            for (FeatureStoreWriter w : byManip.values()) append(w, batch, bytes.get(w));
                        return null;
                    });
                    written = after;
                    processed += batch.ok().size() + batch.failures().size();
                }
                if (writing != null) {
                    await(writing);
                    o.progress().report(written, samples.size(), "nextSampleId=" + written);
                }
                int rows = 0;
                for (Map<String, FeatureStoreWriter> byManip : writers.values()) {
                    rows = 0;
                    for (FeatureStoreWriter w : byManip.values()) rows += w.finish();
                }
                double secs = seconds(t0);
                return new ExtractReport(
                        samples.size(), rows, start, List.copyOf(failures), dirs, secs, processed / secs);
            } finally {
                decoder.shutdownNow();
                pool.shutdownNow();
                writer.shutdown(); // not interrupted: a write still running ends (whole shard) before the writers close
                awaitQuietly(writer);
                for (Map<String, FeatureStoreWriter> byManip : writers.values())
                    for (FeatureStoreWriter w : byManip.values()) w.close();
            }
        }
    }

    /** Decode threads: the cores; they share them with libtorch only while a forward and a prefetch overlap. */
    static final int DECODE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The rows of a batch one partition's writer still needs: their samples and feature bytes. */
    private record Rows(List<SampleRow> rows, ByteBuffer bytes) {}

    /**
     * For every partition writer of a layer, the rows of {@code batch} with its manipulation that it does not hold yet
     * (a resumed attempt skips rows a writer already has: partitions may differ by shards after a crash), with an owned
     * little-endian copy of their feature bytes.
     */
    private static void rowsToWrite(
            Map<String, FeatureStoreWriter> byManip,
            Prepared batch,
            NDArray feature,
            FeatureDType dtype,
            Map<FeatureStoreWriter, Rows> out) {
        ByteBuffer src = null;
        for (Map.Entry<String, FeatureStoreWriter> e : byManip.entrySet()) {
            FeatureStoreWriter w = e.getValue();
            if (w.complete()) continue;
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < batch.ok().size(); i++) {
                Sample s = batch.ok().get(i);
                if (s.manipulation().equals(e.getKey()) && s.sampleId() >= w.nextSampleId()) idx.add(i);
            }
            if (idx.isEmpty()) continue;
            if (src == null) {
                NDArray typed =
                        feature.toType(dtype == FeatureDType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32, false);
                src = typed.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
            int rb = w.spec().rowBytes();
            ByteBuffer copy = ByteBuffer.allocate(idx.size() * rb).order(ByteOrder.LITTLE_ENDIAN);
            List<SampleRow> rows = new ArrayList<>();
            for (int i : idx) {
                ByteBuffer row = src.duplicate();
                row.position(src.position() + i * rb).limit(src.position() + (i + 1) * rb);
                copy.put(row);
                Sample s = batch.ok().get(i);
                rows.add(new SampleRow(s.sampleId(), s.originalId(), s.classId(), s.manipulation(), s.relPath()));
            }
            copy.flip();
            out.put(w, new Rows(rows, copy));
        }
    }

    /** Writes a partition's new rows of {@code batch}; a batch without any only advances its resume point. */
    private static void append(FeatureStoreWriter w, Prepared batch, Rows rows) throws IOException {
        if (w.complete()) return;
        if (rows == null) w.append(List.of(), ByteBuffer.allocate(0), batch.nextSampleId());
        else w.append(rows.rows(), rows.bytes(), batch.nextSampleId());
    }

    /**
     * Removes the shards of the single-store layout (one store per layer) an attempt of an earlier version left in this
     * scratch folder: this version writes a store per manipulation below it, and the reader would take a top-level one.
     */
    private static void dropSingleStoreLeftovers(Path dir) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) return;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            for (Path p : s.filter(java.nio.file.Files::isRegularFile).toList()) java.nio.file.Files.delete(p);
        }
    }

    /** Decodes and preprocesses up to {@code n} samples from {@code from} on {@code pool}; undecodable ones become failures. */
    static Prepared prepare(List<Sample> samples, int from, int n, Preprocess pre, ExecutorService pool)
            throws InterruptedException {
        int to = Math.min(samples.size(), from + n);
        int plane = 3 * pre.crop() * pre.crop();
        float[] pixels = new float[(to - from) * plane];
        String[] errors = new String[to - from];
        List<Future<?>> parts = new ArrayList<>();
        int chunk = Math.max(1, (to - from + DECODE_THREADS - 1) / DECODE_THREADS);
        for (int c = from; c < to; c += chunk) {
            int a = c, b = Math.min(to, c + chunk);
            parts.add(pool.submit(() -> {
                for (int i = a; i < b; i++)
                    errors[i - from] = decodeInto(samples.get(i), pre, pixels, (i - from) * plane);
            }));
        }
        for (Future<?> f : parts) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
            }
        }
        List<Sample> ok = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        int dst = 0;
        for (int i = from; i < to; i++) {
            Sample s = samples.get(i);
            if (errors[i - from] != null) {
                failures.add(new Failure(s.sampleId(), s.relPath(), errors[i - from]));
                continue;
            }
            if (dst != i - from)
                System.arraycopy(pixels, (i - from) * plane, pixels, dst * plane, plane); // close the gap of a failure
            dst++;
            ok.add(s);
        }
        float[] used = ok.size() == to - from ? pixels : java.util.Arrays.copyOf(pixels, ok.size() * plane);
        return new Prepared(ok, used, failures, to);
    }

    /** Decodes one sample into {@code pixels} at {@code offset}; the error message, or null when it worked. */
    private static String decodeInto(Sample s, Preprocess pre, float[] pixels, int offset) {
        try {
            if (s.manipulation().isEmpty())
                throw new IOException(s.file()
                        + ": file name has no '_<manipulation>' part (spec §3.4 expects <ID>_<manipulation>.<ext>)");
            pre.toChw(FeatureImageDecoder.decode(s.file()), pixels, offset);
            return null;
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("extraction interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("writing features failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void awaitQuietly(ExecutorService ex) {
        try {
            ex.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Prepared get(Future<Prepared> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("extraction interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("decoding failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
