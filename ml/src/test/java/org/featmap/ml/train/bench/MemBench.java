package org.featmap.ml.train.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.train.AdamW;
import org.featmap.ml.train.LossType;
import org.featmap.ml.train.Losses;

/**
 * Peak resident memory of one training step (forward, backward, AdamW) of a mapping model: the
 * process's VmHWM (/proc/self/status) after the step minus VmRSS before it (model and optimiser
 * already allocated). Usage: MemBench TYPE C H W BATCH LAYERS DROPOUT(on|off) → one line.
 */
public final class MemBench {
    static long kb(String field) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    public static void main(String[] a) throws Exception {
        ModelType type = ModelType.parse(a[0]);
        int c = Integer.parseInt(a[1]), h = Integer.parseInt(a[2]), w = Integer.parseInt(a[3]);
        int bs = Integer.parseInt(a[4]), layers = Integer.parseInt(a[5]);
        boolean dropout = a[6].equals("on");
        Dims dims = new Dims(
                Dims.SPEC.mlpHidden(),
                Dims.SPEC.cnnHidden(),
                Dims.SPEC.dModel(),
                Dims.SPEC.heads(),
                Dims.SPEC.ffn(),
                layers);
        SplittableRandom r = new SplittableRandom(1);
        float[] xs = new float[bs * c * h * w];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
        try (NDManager m = NDManager.newBaseManager()) {
            MappingModel model = MappingModel.create(type, m, c, false, null, 1, dims);
            model.masks().setEnabled(dropout);
            AdamW opt = new AdamW(model.trainable(), m, 1e-4, 1e-4, 0.9, 0.999, 1e-8);
            NDArray x = m.create(xs, new Shape(bs, c, h, w));
            NDArray y = x.mul(0.5f);
            long before = kb("VmRSS");
            long t0 = System.nanoTime();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = Losses.compute(LossType.COMBINED, model.forward(x, true), y);
                l.getFloat();
                gc.backward(org.featmap.ml.Tensors.div(l, 2f));
            }
            opt.step();
            double s = (System.nanoTime() - t0) / 1e9;
            long peak = kb("VmHWM");
            System.out.printf(
                    "%s C%d %dx%d tokens %d batch %d layers %d dropout %s: rss_before_MB %d peak_MB %d step_peak_MB %d step_s %.1f%n",
                    type.key(),
                    c,
                    h,
                    w,
                    h * w,
                    bs,
                    layers,
                    a[6],
                    before / 1024,
                    peak / 1024,
                    (peak - before) / 1024,
                    s);
        }
    }
}
