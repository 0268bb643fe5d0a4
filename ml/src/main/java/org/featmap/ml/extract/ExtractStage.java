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
import org.featmap.ml.features.FeatureStoreSpec;
import org.featmap.ml.features.FeatureStoreWriter;
import org.featmap.ml.features.SampleRow;

/**
 * Stage S3 (spec §3): enumerate images (§3.4), preprocess (§3.2), run the backbone in batches and
 * stream every requested layer into its Arrow feature store. Memory is bounded by two batches (the
 * next one is decoded on a helper thread while libtorch runs the current one, if a core is free). Resumes after the
 * last complete shard; undecodable images are listed in the report and skipped.
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
      Map<String, FeatureStoreWriter> writers = new LinkedHashMap<>();
      Map<String, Path> dirs = new LinkedHashMap<>();
      ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "extract-decode");
        t.setDaemon(true);
        return t;
      });
      try {
        int resume = Integer.MAX_VALUE;
        boolean allComplete = true;
        for (LayerEntry l : backbone.layers()) {
          FeatureStoreSpec spec = new FeatureStoreSpec(backboneName, backbone.manifest().weightsSha256(), l.name(), o.dataset(), o.split(),
              o.sourceFolder(), l.chw(), o.dtype(), o.compression(), o.rowsPerShard());
          Path dir = o.outDir().resolve(l.name());
          FeatureStoreWriter w = FeatureStoreWriter.open(dir, spec);
          writers.put(l.name(), w);
          dirs.put(l.name(), dir);
          if (!w.complete()) {
            allComplete = false;
            resume = Math.min(resume, w.nextSampleId());
          }
        }
        if (allComplete) {
          int rows = writers.values().iterator().next().rowsWritten();
          return new ExtractReport(samples.size(), rows, samples.size(), List.of(), dirs, seconds(t0), 0);
        }
        List<Failure> failures = new ArrayList<>();
        int crop = pre.crop();
        int start = resume, processed = 0;
        // Decode the next batch during the forward only when a core is free for it: with libtorch's
        // OpenMP threads on every core, an extra busy thread slows the forward more than it saves.
        boolean overlap = Runtime.getRuntime().availableProcessors() > JniUtils.getNumThreads();
        Future<Prepared> next = start < samples.size() ? submit(decoder, overlap, () -> prepare(samples, start, o.batchSize(), pre)) : null;
        while (next != null) {
          Prepared batch = get(next);
          int after = batch.nextSampleId();
          next = after < samples.size() ? submit(decoder, overlap, () -> prepare(samples, after, o.batchSize(), pre)) : null;
          failures.addAll(batch.failures());
          if (!batch.ok().isEmpty()) {
            try (NDManager m = org.featmap.ml.ComputeDevice.manager(o.device())) {
              NDArray x = org.featmap.ml.Tensors.owned(m, batch.pixels(), new Shape(batch.ok().size(), 3, crop, crop));
              Map<String, NDArray> feats = backbone.forward(x);
              for (Map.Entry<String, FeatureStoreWriter> e : writers.entrySet())
                append(e.getValue(), batch, feats.get(e.getKey()), o.dtype());
            }
          } else {
            for (FeatureStoreWriter w : writers.values()) if (!w.complete()) w.append(List.of(), ByteBuffer.allocate(0), after);
          }
          processed += batch.ok().size() + batch.failures().size();
          o.progress().report(after, samples.size(), "nextSampleId=" + after);
        }
        int rows = 0;
        for (FeatureStoreWriter w : writers.values()) rows = w.finish();
        double secs = seconds(t0);
        return new ExtractReport(samples.size(), rows, start, List.copyOf(failures), dirs, secs, processed / secs);
      } finally {
        decoder.shutdownNow();
        for (FeatureStoreWriter w : writers.values()) w.close();
      }
    }
  }

  /** Writes the rows of {@code batch} a writer does not hold yet (layers may differ by a shard after a crash). */
  private static void append(FeatureStoreWriter w, Prepared batch, NDArray feature, FeatureDType dtype) throws IOException {
    if (w.complete()) return;
    List<SampleRow> rows = new ArrayList<>();
    int first = -1;
    for (int i = 0; i < batch.ok().size(); i++) {
      Sample s = batch.ok().get(i);
      if (s.sampleId() < w.nextSampleId()) continue;
      if (first < 0) first = i;
      rows.add(new SampleRow(s.sampleId(), s.originalId(), s.classId(), s.manipulation(), s.relPath()));
    }
    if (rows.isEmpty()) return;
    NDArray part = first == 0 ? feature : feature.get(first + ":");
    NDArray typed = part.toType(dtype == FeatureDType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32, false);
    ByteBuffer bytes = typed.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    w.append(rows, bytes, batch.nextSampleId());
  }

  /** Decodes and preprocesses up to {@code n} samples from {@code from}; undecodable ones become failures. */
  static Prepared prepare(List<Sample> samples, int from, int n, Preprocess pre) {
    int to = Math.min(samples.size(), from + n);
    int plane = 3 * pre.crop() * pre.crop();
    float[] pixels = new float[(to - from) * plane];
    List<Sample> ok = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Sample s = samples.get(i);
      try {
        if (s.manipulation().isEmpty())
          throw new IOException(s.file() + ": file name has no '_<manipulation>' part (spec §3.4 expects <ID>_<manipulation>.<ext>)");
        pre.toChw(FeatureImageDecoder.decode(s.file()), pixels, ok.size() * plane);
        ok.add(s);
      } catch (IOException | RuntimeException e) {
        failures.add(new Failure(s.sampleId(), s.relPath(), String.valueOf(e.getMessage())));
      }
    }
    float[] used = ok.size() == to - from ? pixels : java.util.Arrays.copyOf(pixels, ok.size() * plane);
    return new Prepared(ok, used, failures, to);
  }

  private static Future<Prepared> submit(ExecutorService decoder, boolean overlap, java.util.concurrent.Callable<Prepared> task) {
    if (overlap) return decoder.submit(task);
    return new LazyTask(task); // run by get(), on the calling thread, after the current batch's forward
  }

  private static final class LazyTask extends java.util.concurrent.FutureTask<Prepared> {
    LazyTask(java.util.concurrent.Callable<Prepared> task) {
      super(task);
    }
  }

  private static Prepared get(Future<Prepared> f) throws IOException {
    try {
      if (f instanceof LazyTask t) t.run();
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
