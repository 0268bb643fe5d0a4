package org.featmap.ml.train.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.FeatureStoreSpec;
import org.featmap.ml.features.FeatureStoreWriter;
import org.featmap.ml.features.PairDataset;
import org.featmap.ml.features.SampleRow;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.train.AdamW;
import org.featmap.ml.train.BatchPrefetcher;

/**
 * Training step time with batches streamed from the Arrow feature store vs from memory, in one
 * process (issue #5 goal ≤ 1.05×). Both sources feed the same loop as TrainStage (PairDataset.read
 * into a float[] batch by BatchPrefetcher, which reads batch b+1 while b trains; engine tensor, COMBINED loss, accumulation 2, AdamW); the in-memory source
 * holds a float[] copy of the same maps. Three interleaved rounds (memory, arrow); the anchor is the
 * median of the memory runs. The reader's decoded-batch cache is bounded to 16 MB so the store is really read.
 * Usage: StreamBench TYPE C H W PAIRS BATCHES WARMUP DTYPE(float32|float16) COMPRESSION(none|lz4|zstd)
 */
public final class StreamBench {
    public static void main(String[] a) throws Exception {
        ModelType type = ModelType.parse(a[0]);
        int c = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), w = Integer.parseInt(a[3]);
        int pairs = Integer.parseInt(a[4]), batches = Integer.parseInt(a[5]), warmup = Integer.parseInt(a[6]);
        FeatureDType dtype = FeatureDType.valueOf(a[7].toUpperCase());
        FeatureCompression comp = FeatureCompression.valueOf(a[8].toUpperCase());
        int bs = 32;
        Path dir = Files.createTempDirectory("streambench");
        try {
            writeStore(dir, c, h, w, pairs, dtype, comp);
            try (FeatureStoreReader reader = FeatureStoreReader.open(dir, 16L << 20)) {
                PairDataset arrow = reader.pairDataset("grayscale");
                PairDataset memory = InMemory.copyOf(arrow);
                // interleaved rounds (memory, arrow) × 3 on a shared machine; medians per source
                double[] mem = new double[3];
                double[] ar = new double[3];
                for (int round = 0; round < 3; round++) {
                    mem[round] = secondsPerStep(type, memory, bs, batches, warmup);
                    ar[round] = secondsPerStep(type, arrow, bs, batches, warmup);
                }
                double mm = median(mem), am = median(ar);
                System.out.printf(
                        "%s_C%d_%dx%d_%s_%s memory_ms %.1f %s arrow_ms %.1f %s ratio %.3f%n",
                        type.key(), c, h, w, a[7], a[8], mm * 1e3, ms(mem), am * 1e3, ms(ar), am / mm);
            }
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String ms(double[] v) {
        StringBuilder b = new StringBuilder("(");
        for (double x : v) b.append(b.length() > 1 ? ", " : "").append(String.format("%.1f", x * 1e3));
        return b.append(")").toString();
    }

    private static void writeStore(Path dir, int c, int h, int w, int pairs, FeatureDType d, FeatureCompression comp)
            throws IOException {
        FeatureStoreSpec spec = new FeatureStoreSpec(
                "bench", "0", "featX", "bench", "train", "direct", new int[] {c, h, w}, d, comp, 64);
        int n = c * h * w;
        SplittableRandom r = new SplittableRandom(3);
        try (FeatureStoreWriter wr = FeatureStoreWriter.open(dir, spec);
                NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < pairs; i++) {
                List<SampleRow> rows = new ArrayList<>();
                rows.add(new SampleRow(2 * i, String.format("%05d", i), 0, "resized", "x"));
                rows.add(new SampleRow(2 * i + 1, String.format("%05d", i), 0, "grayscale", "x"));
                float[] v = new float[2 * n];
                for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
                NDArray arr = m.create(v);
                if (d == FeatureDType.FLOAT16) arr = arr.toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
                ByteBuffer b = ByteBuffer.allocate(2 * n * d.bytes).order(ByteOrder.LITTLE_ENDIAN);
                b.put(arr.toByteBuffer()).flip();
                wr.append(rows, b, 2 * i + 2);
                arr.close();
            }
            wr.finish();
        }
    }

    /** Mean wall time of one training step (batch of 32) over {@code batches} after {@code warmup}. */
    static double secondsPerStep(ModelType type, PairDataset data, int bs, int batches, int warmup) throws IOException {
        int c = data.channels(), h = data.height(), w = data.width();
        int map = c * h * w;
        int perEpoch = data.size() / bs;
        BatchPrefetcher.Loader load = (b, s, t) -> {
            int from = (b % perEpoch) * bs;
            for (int i = 0; i < bs; i++) data.read(from + i, s, i * map, t, i * map);
        };
        try (NDManager m = NDManager.newBaseManager();
                BatchPrefetcher batchesIn = new BatchPrefetcher(bs * map, warmup + batches, load)) {
            MappingModel model = MappingModel.create(type, m, c, false, null, 1);
            AdamW opt = new AdamW(model.trainable(), m, 1e-4, 1e-4, 0.9, 0.999, 1e-8);
            long t0 = 0;
            for (int b = 0; b < warmup + batches; b++) {
                if (b == warmup) t0 = System.nanoTime();
                float[][] batch = batchesIn.get(b);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    TrainBench.step(
                            model,
                            opt,
                            m.create(batch[0], new Shape(bs, c, h, w)),
                            m.create(batch[1], new Shape(bs, c, h, w)),
                            b);
                }
            }
            return (System.nanoTime() - t0) / 1e9 / batches;
        }
    }

    /** The maps of a PairDataset copied into Java arrays. */
    record InMemory(float[][] src, float[][] tgt, int c, int h, int w) implements PairDataset {
        static InMemory copyOf(PairDataset d) throws IOException {
            int map = d.channels() * d.height() * d.width();
            float[][] s = new float[d.size()][map];
            float[][] t = new float[d.size()][map];
            for (int i = 0; i < d.size(); i++) d.read(i, s[i], 0, t[i], 0);
            return new InMemory(s, t, d.channels(), d.height(), d.width());
        }

        public int size() {
            return src.length;
        }

        public int channels() {
            return c;
        }

        public int height() {
            return h;
        }

        public int width() {
            return w;
        }

        public String originalId(int i) {
            return Integer.toString(i);
        }

        public String manipulation(int i) {
            return "grayscale";
        }

        public int classId(int i) {
            return 0;
        }

        public void read(int i, float[] s, int so, float[] t, int to) {
            System.arraycopy(src[i], 0, s, so, src[i].length);
            System.arraycopy(tgt[i], 0, t, to, tgt[i].length);
        }
    }
}
