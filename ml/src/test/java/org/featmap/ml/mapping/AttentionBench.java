package org.featmap.ml.mapping;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.featmap.ml.Tensors;
import org.featmap.ml.train.AdamW;
import org.featmap.ml.train.LossType;
import org.featmap.ml.train.Losses;

/**
 * Issue #15 benchmark (bench/train/attention.sh, anchor bench/train/attention_torch.py): training steps of
 * the spec's transformer (d 512, 8 heads, FFN 1024, 4 layers) with input/output projections from C
 * channels on one H×W map (batch B), COMBINED loss, AdamW — the TrainStage step (an NDScope around it).
 * Process peak = the largest VmHWM; first-step memory = VmHWM after step 0 minus VmRSS before it (a fresh
 * process: includes one-time allocations such as thread pools); "step" memory = VmHWM over the steps after the first (VmHWM reset through
 * /proc/self/clear_refs) minus VmRSS before them, i.e. what a steady-state step adds to a warm process.
 *
 * <p>Usage: AttentionBench C H W B DROPOUT(0.2|0.0) STEPS MODE(fused|explicit|fused-gpu-proxy). fused-gpu-proxy:
 * the fused path with every dropout on except the attention weights' (what a CUDA step keeps: its kernel
 * stores no mask). Prints one line.
 */
public final class AttentionBench {
    static long kb(String field) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    public static void main(String[] a) throws Exception {
        int c = Integer.parseInt(a[0]), h = Integer.parseInt(a[1]), w = Integer.parseInt(a[2]);
        int bs = Integer.parseInt(a[3]);
        float p = Float.parseFloat(a[4]);
        int steps = Integer.parseInt(a[5]);
        String mode = a[6];
        if (steps < 2) throw new IllegalArgumentException("STEPS >= 2: one warm-up step, then the measured ones");
        SplittableRandom r = new SplittableRandom(1);
        float[] xs = new float[bs * c * h * w];
        float[] ys = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
            ys[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerMapping model =
                    (TransformerMapping) MappingModel.create(ModelType.TRANSFORMER, m, c, false, null, 1);
            model.masks().setEnabled(p > 0);
            switch (mode) {
                case "fused" -> model.setAttention(TransformerMapping.Attention.FUSED);
                case "explicit" -> model.setAttention(TransformerMapping.Attention.EXPLICIT);
                case "fused-gpu-proxy" -> model.setWeightDropout(false);
                default -> throw new IllegalArgumentException("mode fused|explicit|fused-gpu-proxy: " + mode);
            }
            AdamW opt = new AdamW(model.trainable(), m, 1e-4, 1e-4, 0.9, 0.999, 1e-8);
            NDArray x = Tensors.owned(m, xs, new Shape(bs, c, h, w));
            NDArray y = Tensors.owned(m, ys, new Shape(bs, c, h, w));
            // step 0 warms up (libtorch's thread pools, the JIT's profiling runs of sdpa.pt, AdamW's first update);
            // then VmHWM is reset (clear_refs 5) so "step" memory is what a steady-state step adds to the RSS before it
            double[] secs = new double[steps];
            long firstPeak = 0, before = 0;
            System.gc();
            long start = kb("VmRSS");
            for (int s = 0; s < steps; s++) {
                if (s == 1) {
                    firstPeak = kb("VmHWM");
                    System.gc();
                    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                    before = kb("VmRSS");
                }
                long t0 = System.nanoTime();
                model.masks().reseed(1000 + s);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = Losses.compute(LossType.COMBINED, model.forward(x, true), y);
                        l.getFloat();
                        gc.backward(l);
                    }
                }
                opt.step();
                opt.zeroGrad();
                secs[s] = (System.nanoTime() - t0) / 1e9;
            }
            long peak = kb("VmHWM");
            double[] warm = Arrays.copyOfRange(secs, 1, steps);
            Arrays.sort(warm);
            System.out.printf(
                    "java %s tokens %d p %.1f batch %d: process_peak_MB %d rss_start_MB %d first_step_peak_MB %d rss_before_MB %d step_peak_MB %d first_step_s %.2f step_s %.2f%n",
                    mode,
                    h * w,
                    p,
                    bs,
                    Math.max(firstPeak, peak) / 1024,
                    start / 1024,
                    (firstPeak - start) / 1024,
                    before / 1024,
                    (peak - before) / 1024,
                    secs[0],
                    warm[warm.length / 2]);
        }
    }
}
