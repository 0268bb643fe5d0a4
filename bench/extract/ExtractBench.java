// Java side of bench/extract (issue #4 benchmarks a, b, c). Run by bench/extract/run.sh with the
// ml classpath: java -cp CP bench/extract/ExtractBench.java BACKBONE IMAGES WORKDIR FLOPS_PER_IMAGE
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.FeatureStoreSpec;
import org.featmap.ml.features.FeatureStoreWriter;
import org.featmap.ml.features.SampleRow;

public class ExtractBench {
  public static void main(String[] a) throws Exception {
    Path backbone = Path.of(a[0]), images = Path.of(a[1]), work = Path.of(a[2]);
    double flopsPerImage = Double.parseDouble(a[3]);
    String mode = a.length > 4 ? a[4] : "all"; // e2e | storage | compute | all
    int threads = Integer.getInteger("bench.threads", 2), batch = Integer.getInteger("bench.batch", 16);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      m.zeros(new Shape(1)).add(1); // engine init, the counterpart of `import torch`
    }
    JniUtils.setNumThreads(threads);
    System.out.println("threads " + JniUtils.getNumThreads());
    // (a) end to end: enumerate + decode + preprocess + forward + write (float32, no compression)
    Path f32 = work.resolve("java-f32");
    if (Boolean.getBoolean("bench.warm")) // one untimed run first: libtorch's first TorchScript load and the JIT (about 10-20 s once per JVM)
      ExtractStage.run(ExtractOptions.of(backbone, images, work.resolve("java-warm")).withBatch(batch, 512).withRuntime(Device.cpu(), threads, null));
    ExtractReport r = ExtractStage.run(ExtractOptions.of(backbone, images, f32).withBatch(batch, 512)
        .withRuntime(Device.cpu(), threads, null));
    if (mode.equals("e2e") || mode.equals("all"))
      System.out.printf("A java_img_per_s=%.3f images=%d seconds=%.2f failures=%d%n", r.rows() / r.seconds(), r.rows(), r.seconds(), r.failures().size());

    // (b) bytes per sample of each dtype x compression, re-encoding the float32 store
    for (String layer : (mode.equals("storage") || mode.equals("all")) ? r.layerDirs().keySet() : java.util.Set.<String>of()) {
      try (FeatureStoreReader in = FeatureStoreReader.open(r.layerDirs().get(layer))) {
        long ref = (long) in.channels() * in.height() * in.width() * 4;
        for (FeatureDType d : FeatureDType.values()) {
          for (FeatureCompression c : FeatureCompression.values()) {
            Path dir = work.resolve("store-" + d.id() + "-" + c.id()).resolve(layer);
            long t0 = System.nanoTime();
            FeatureStoreSpec spec = new FeatureStoreSpec(in.backbone(), "bench", layer, "bench", "train", "direct", in.shape(), d, c, 512);
            double maxRel = 0;
            try (FeatureStoreWriter w = FeatureStoreWriter.open(dir, spec);
                NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
              for (int i = 0; i < in.size(); i++) {
                NDArray x = m.create(in.readRow(i), new Shape(in.channels(), in.height(), in.width()));
                ByteBuffer bytes = x.toType(d == FeatureDType.FLOAT16 ? ai.djl.ndarray.types.DataType.FLOAT16 : ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                w.append(List.of(new SampleRow(in.sampleId(i), in.originalId(i), in.classId(i), in.manipulation(i), in.path(i))), bytes, in.sampleId(i) + 1);
              }
              w.finish();
            }
            double writeS = (System.nanoTime() - t0) / 1e9;
            long bytes;
            try (Stream<Path> s = Files.list(dir)) {
              bytes = s.filter(p -> p.toString().endsWith(".arrow")).mapToLong(p -> p.toFile().length()).sum();
            }
            double err = 0, den = 0;
            long t1 = System.nanoTime();
            try (FeatureStoreReader back = FeatureStoreReader.open(dir)) {
              for (int i = 0; i < back.size(); i++) {
                float[] x = in.readRow(i), y = back.readRow(i);
                for (int k = 0; k < x.length; k++) {
                  err += (double) (x[k] - y[k]) * (x[k] - y[k]);
                  den += (double) x[k] * x[k];
                }
              }
            }
            double readS = (System.nanoTime() - t1) / 1e9;
            System.out.printf("B layer=%s dtype=%s compression=%s bytes_per_sample=%.0f ratio_vs_f32_memmap=%.3f rel_l2=%.2e write_rows_per_s=%.1f read_rows_per_s=%.1f%n",
                layer, d.id(), c.id(), (double) bytes / in.size(), (double) bytes / in.size() / ref, Math.sqrt(err / den),
                in.size() / writeS, in.size() / readS);
          }
        }
      }
    }

    // (c) libtorch forward GFLOP/s (batch 8) and a float32 matmul figure through DJL
    if (!(mode.equals("compute") || mode.equals("all"))) return;
    try (Backbone b = Backbone.open(backbone, Device.cpu(), List.of());
        NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      int crop = b.manifest().crop();
      NDArray x = m.randomNormal(new Shape(8, 3, crop, crop));
      try (NDManager s = m.newSubManager()) { b.forward(x.duplicate()); }
      int reps = 3;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) try (NDManager s = m.newSubManager()) { b.forward(x.duplicate()); }
      double fwdS = (System.nanoTime() - t0) / 1e9 / reps;
      NDArray A = m.randomNormal(new Shape(1024, 1024)), B = A.duplicate();
      A.matMul(B).close();
      int mr = 20;
      t0 = System.nanoTime();
      for (int i = 0; i < mr; i++) A.matMul(B).close();
      double mmS = (System.nanoTime() - t0) / 1e9;
      System.out.printf("C java_forward_gflops=%.2f java_matmul_gflops=%.2f%n", flopsPerImage * 8 / fwdS / 1e9, 2.0 * Math.pow(1024, 3) * mr / mmS / 1e9);
    }
  }
}
