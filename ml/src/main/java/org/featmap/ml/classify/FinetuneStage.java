package org.featmap.ml.classify;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.backbone.BackboneManifest.LayerEntry;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;
import org.featmap.ml.train.AdamW;

/**
 * Stage S6 (spec §8.1): fine-tunes a NEW classifier head on the frozen exported backbone. Only the head
 * is trained (in DJL, autograd + {@link AdamW}); the backbone's TorchScript stages run in inference mode.
 * Because the head starts with a global average pool, the frozen part of every image reduces to its
 * pooled last-layer vector (B,C): computed once when augmentation is off, per augmented image otherwise.
 *
 * <p>Loop (reference values in {@link FinetuneOptions#convnext}): per epoch e the LR of
 * {@link LrSchedule#reference} (AV12), shuffled batches (seeded) with drop_last, label-smoothed CE, head
 * dropout; then validation (plain CE, top-1, top-5; Resize+CenterCrop+Normalize of §3.2); early stopping
 * on val top-1 (strict improvement, patience); the best head (first epoch reaching the max) is kept.
 */
public final class FinetuneStage {
    private FinetuneStage() {}

    public static final String HISTORY_CSV = "history.csv";
    public static final String SPLIT_CSV = "split.csv";

    public static FinetuneResult run(FinetuneOptions o) throws IOException {
        return run(o, org.featmap.ml.EpochCheckpoints.none());
    }

    /**
     * As {@link #run(FinetuneOptions)}, with a checkpoint after every epoch (head, AdamW moments, best head, early-stopping
     * counters, history and the generator's state): given the folder of an interrupted run it continues after its last
     * epoch, and the result is bitwise that of an uninterrupted run (issue #14).
     */
    public static FinetuneResult run(FinetuneOptions o, org.featmap.ml.EpochCheckpoints checkpoints)
            throws IOException {
        long t0 = System.nanoTime();
        if (o.threads() > 0) JniUtils.setNumThreads(o.threads());
        TrainImages.Listing listing = TrainImages.list(o.augmentedTrain());
        int k = listing.classes().size();
        if (k < 2)
            throw new IllegalArgumentException(
                    o.augmentedTrain() + ": " + k + " class folder(s), a classifier needs >= 2");
        List<TrainImages.Image> images = listing.images();
        TrainImages.Split split = TrainImages.stratified(images, k, o.valFraction(), o.seed());
        int nTrain = split.train().length, nVal = split.val().length;
        if (nTrain < o.batchSize())
            throw new IllegalArgumentException(o.augmentedTrain() + ": " + nTrain + " training images < batch "
                    + o.batchSize() + " (drop_last would leave no batch); lower the batch size");
        if (nVal == 0)
            throw new IllegalArgumentException(
                    o.augmentedTrain() + ": validation split is empty (valFraction " + o.valFraction() + ")");

        BackboneManifest manifest = BackboneManifest.load(o.backboneDir());
        LayerEntry last = manifest.layers().get(manifest.layers().size() - 1);
        int c = last.shape().get(0);
        boolean norm = "convnext".equals(manifest.family()); // spec §8.1: SwinV2's head has no norm
        Preprocess pre = Preprocess.of(manifest);
        TrainAugment aug = new TrainAugment(pre.crop());
        LrSchedule schedule = LrSchedule.reference(o.lr());
        List<FinetuneResult.EpochLog> history = new ArrayList<>();
        org.featmap.ml.rng.ResumableSplitMix rng =
                new org.featmap.ml.rng.ResumableSplitMix(o.seed()); // SplittableRandom's stream, resumable

        try (Backbone bb = Backbone.open(o.backboneDir(), o.device(), List.of(last.name()));
                NDManager root = org.featmap.ml.ComputeDevice.manager(o.device())) {
            // the frozen pass over every image before the first epoch can take minutes: it heartbeats per chunk
            Runnable beat = () -> o.progress().report(0, o.epochs(), "epoch=-1");
            float[] valX = pooled(bb, last.name(), pre, images, split.val(), null, null, c, beat);
            float[] trainX =
                    o.augment() ? null : pooled(bb, last.name(), pre, images, split.train(), null, null, c, beat);
            int[] valY = labels(images, split.val());

            ClassifierHead head = new ClassifierHead(c, k, norm, o.seed()).init(root);
            List<NDArray> params = new ArrayList<>();
            for (Parameter p : head.getParameters().values()) params.add(p.getArray());
            List<float[]> best = snapshot(params);
            Loop st = new Loop();
            java.util.Map<String, NDArray> trainable = new java.util.LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) trainable.put(String.valueOf(i), params.get(i)); // adamw.m.<i>
            try (NDManager moments = root.newSubManager()) {
                AdamW opt = new AdamW(trainable, moments, schedule.lr(0), o.weightDecay(), 0.9, 0.999, 1e-8);
                java.util.Optional<Path> saved = checkpoints.latest();
                if (saved.isPresent()) {
                    st = Loop.read(saved.get());
                    best = restore(saved.get(), root, params, opt, st);
                    rng = new org.featmap.ml.rng.ResumableSplitMix(st.rngState);
                    history.addAll(st.history);
                    o.progress().report(st.epoch + 1, o.epochs(), "epoch=" + st.epoch);
                }
                for (NDArray p : params) p.setRequiresGradient(true);
                for (int e = st.epoch + 1; e < o.epochs() && !st.stopped; e++) {
                    double lr = schedule.lr(e);
                    int[] perm = shuffled(split.train(), rng);
                    int batches = nTrain / o.batchSize(); // drop_last
                    double lossSum = 0;
                    for (int b = 0; b < batches; b++) {
                        int[] idx = java.util.Arrays.copyOfRange(perm, b * o.batchSize(), (b + 1) * o.batchSize());
                        float[] x = o.augment()
                                ? pooled(bb, last.name(), pre, images, idx, aug, rng, c, () -> {})
                                : gather(trainX, positions(split.train(), idx), c);
                        try (NDManager bm = root.newSubManager()) {
                            NDArray xs = org.featmap.ml.Tensors.owned(bm, x, new Shape(idx.length, c));
                            NDArray keep = o.dropRate() > 0
                                    ? bm.create(
                                            dropoutKeep(idx.length * c, o.dropRate(), rng), new Shape(idx.length, c))
                                    : null;
                            NDArray target = smoothedTargets(bm, labels(images, idx), k, o.labelSmoothing());
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray logits = head.logits(xs, keep);
                                NDArray loss = logits.logSoftmax(1)
                                        .mul(target)
                                        .sum(new int[] {1})
                                        .mean()
                                        .neg();
                                float l = loss.getFloat();
                                if (!Float.isFinite(l)) // deterministic: a retry would reach it again (issue #14)
                                throw new org.featmap.core.contract.DivergedException(
                                            "fine-tuning diverged: train loss " + l + " at epoch " + e + " batch " + b
                                                    + " with learning rate " + lr + "; lower learning_rate",
                                            e,
                                            b);
                                gc.backward(loss);
                                lossSum += l;
                            }
                            opt.setLr(lr);
                            opt.step();
                            opt.zeroGrad();
                        }
                        // a heartbeat per batch (the SDK throttles): an augmented epoch over ~100k images outlasts any
                        // heartbeat timeout
                        o.progress().report(e, o.epochs(), "epoch=" + (e - 1));
                    }
                    float[] logits;
                    try (NDManager vm = root.newSubManager()) {
                        JniUtils.setGradMode(false);
                        logits = head.logits(org.featmap.ml.Tensors.owned(vm, valX, new Shape(nVal, c)), null)
                                .toFloatArray();
                    }
                    double[] val = evaluate(logits, valY, k);
                    history.add(new FinetuneResult.EpochLog(e, lr, lossSum / batches, val[0], val[1], val[2]));
                    if (val[1] > st.bestTop1) {
                        st.bestTop1 = val[1];
                        st.bestEpoch = e;
                        best = snapshot(params);
                        st.sinceBest = 0;
                    } else if (++st.sinceBest >= o.patience()) {
                        st.stoppedEarly = e + 1 < o.epochs();
                        st.stopped = true;
                    }
                    st.epoch = e;
                    st.rngState = rng.state();
                    st.history = List.copyOf(history);
                    Loop done = st;
                    List<float[]> bestNow = best;
                    checkpoints.commit(e, dir -> write(dir, root, params, bestNow, opt, done));
                    o.progress().report(e + 1, o.epochs(), "epoch=" + e);
                }
            }
            int bestEpoch = st.bestEpoch;
            double bestTop1 = st.bestTop1;
            boolean stoppedEarly = st.stoppedEarly;
            JniUtils.setGradMode(false);
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setRequiresGradient(false);
                params.get(i).set(best.get(i));
            }
            String frozen = norm ? "frozen_stages0-stages1-stages2-stages3" : "frozen_";
            HeadFiles.Sidecar sidecar = new HeadFiles.Sidecar(
                    manifest.family(),
                    manifest.timmId(),
                    manifest.weightsSha256(),
                    last.name(),
                    c,
                    k,
                    norm,
                    ClassifierHead.NORM_EPS,
                    o.dropRate(),
                    listing.classes(),
                    o.augment(),
                    bestEpoch,
                    bestTop1,
                    manifest.timmId() + "_" + frozen + (o.augment() ? "_augmented_train_best" : "_train_best"));
            HeadFiles.write(o.outDir(), head, sidecar);
            writeHistory(o.outDir().resolve(HISTORY_CSV), history);
            writeSplit(o.outDir().resolve(SPLIT_CSV), o.augmentedTrain(), images, split);
            return new FinetuneResult(
                    o.outDir(),
                    listing.classes(),
                    nTrain,
                    nVal,
                    List.copyOf(history),
                    bestEpoch,
                    bestTop1,
                    stoppedEarly,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** The loop's counters between epochs (trainer.json of an epoch checkpoint). */
    static final class Loop {
        public int epoch = -1, bestEpoch = -1, sinceBest, adamSteps;
        public double bestTop1 = Double.NEGATIVE_INFINITY;
        public boolean stopped, stoppedEarly;
        public long rngState;
        public List<FinetuneResult.EpochLog> history = List.of();

        static Loop read(Path dir) throws IOException {
            return JSON.readValue(dir.resolve("trainer.json").toFile(), Loop.class);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

    private static void write(Path dir, NDManager root, List<NDArray> params, List<float[]> best, AdamW opt, Loop st)
            throws IOException {
        st.adamSteps = (int) opt.stepCount();
        try (NDManager m = root.newSubManager()) {
            java.util.Map<String, NDArray> t = new java.util.LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                t.put("head." + i, params.get(i));
                t.put("best." + i, m.create(best.get(i), params.get(i).getShape()));
            }
            t.putAll(opt.state());
            org.featmap.ml.mapping.Safetensors.write(
                    dir.resolve("state.safetensors"), t, java.util.Map.of("epoch", String.valueOf(st.epoch)));
        }
        JSON.writeValue(dir.resolve("trainer.json").toFile(), st);
    }

    /** Loads a checkpoint into the head and the optimizer; returns the best head so far. */
    private static List<float[]> restore(Path dir, NDManager root, List<NDArray> params, AdamW opt, Loop st)
            throws IOException {
        try (NDManager m = root.newSubManager()) {
            java.util.Map<String, NDArray> t =
                    org.featmap.ml.mapping.Safetensors.read(dir.resolve("state.safetensors"), m);
            List<float[]> best = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                NDArray h = t.get("head." + i);
                if (h == null || !h.getShape().equals(params.get(i).getShape()))
                    throw new IOException("checkpoint " + dir + ": head tensor " + i
                            + " missing or of another shape (another head?)");
                params.get(i).set(h.toFloatArray());
                best.add(t.get("best." + i).toFloatArray());
            }
            opt.restore(st.adamSteps, opt.lr(), t);
            return best;
        }
    }

    /**
     * Pooled last-layer vectors (n,C) of {@code images[idx]}: eval preprocessing when {@code aug} is null,
     * else the augmentation (whose output is already crop-sized, so Resize+CenterCrop is the identity).
     */
    static float[] pooled(
            Backbone bb,
            String layer,
            Preprocess pre,
            List<TrainImages.Image> images,
            int[] idx,
            TrainAugment aug,
            java.util.random.RandomGenerator rng,
            int c,
            Runnable beat)
            throws IOException {
        int s = pre.crop(), chunk = 16;
        float[] out = new float[idx.length * c];
        for (int start = 0; start < idx.length; start += chunk) {
            int n = Math.min(chunk, idx.length - start);
            float[] px = new float[n * 3 * s * s];
            for (int i = 0; i < n; i++) {
                Path f = images.get(idx[start + i]).file();
                RgbImage img;
                try {
                    img = ImageCodec.decode(f);
                } catch (IOException | RuntimeException ex) {
                    throw new IOException(f + ": cannot decode training image: " + ex.getMessage(), ex);
                }
                pre.toChw(aug == null ? img : aug.apply(img, rng), px, i * 3 * s * s);
            }
            try (NDManager m = org.featmap.ml.ComputeDevice.manager(bb.device())) {
                NDArray feat = bb.forward(org.featmap.ml.Tensors.owned(m, px, new Shape(n, 3, s, s)))
                        .get(layer);
                System.arraycopy(ClassifierHead.pool(feat).toFloatArray(), 0, out, start * c, n * c);
            }
            beat.run();
        }
        return out;
    }

    static NDArray smoothedTargets(NDManager m, int[] y, int k, double eps) {
        float[] q = new float[y.length * k];
        float off = (float) (eps / k), on = (float) (1 - eps + eps / k);
        for (int i = 0; i < y.length; i++) {
            java.util.Arrays.fill(q, i * k, (i + 1) * k, off);
            q[i * k + y[i]] = on;
        }
        return m.create(q, new Shape(y.length, k));
    }

    static float[] dropoutKeep(int n, double p, java.util.random.RandomGenerator rng) {
        float[] keep = new float[n];
        float scale = (float) (1 / (1 - p));
        for (int i = 0; i < n; i++) keep[i] = rng.nextDouble() < p ? 0f : scale;
        return keep;
    }

    /** {plain CE, top-1, top-5} of (n,K) logits; top-5 = target among the min(5,K) largest (strictly larger count < 5). */
    static double[] evaluate(float[] logits, int[] y, int k) {
        double loss = 0;
        int top1 = 0, top5 = 0, kk = Math.min(5, k);
        for (int i = 0; i < y.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, logits[i * k + j]);
            double z = 0;
            for (int j = 0; j < k; j++) z += Math.exp(logits[i * k + j] - max);
            loss += -(logits[i * k + y[i]] - max - Math.log(z));
            int larger = 0;
            for (int j = 0; j < k; j++) if (logits[i * k + j] > logits[i * k + y[i]]) larger++;
            if (larger == 0) top1++;
            if (larger < kk) top5++;
        }
        return new double[] {loss / y.length, (double) top1 / y.length, (double) top5 / y.length};
    }

    private static int[] shuffled(int[] a, java.util.random.RandomGenerator rng) {
        int[] p = a.clone();
        for (int i = p.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Positions of image indices {@code idx} inside the sorted {@code subset}. */
    private static int[] positions(int[] subset, int[] idx) {
        int[] pos = new int[idx.length];
        for (int i = 0; i < idx.length; i++) pos[i] = java.util.Arrays.binarySearch(subset, idx[i]);
        return pos;
    }

    private static float[] gather(float[] rows, int[] pos, int c) {
        float[] out = new float[pos.length * c];
        for (int i = 0; i < pos.length; i++) System.arraycopy(rows, pos[i] * c, out, i * c, c);
        return out;
    }

    private static int[] labels(List<TrainImages.Image> images, int[] idx) {
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) y[i] = images.get(idx[i]).classId();
        return y;
    }

    private static List<float[]> snapshot(List<NDArray> params) {
        List<float[]> s = new ArrayList<>();
        for (NDArray p : params) s.add(p.toFloatArray());
        return s;
    }

    private static void writeHistory(Path file, List<FinetuneResult.EpochLog> h) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,lr,train_loss,val_loss,val_top1,val_top5\n");
        for (FinetuneResult.EpochLog e : h)
            sb.append(String.format(
                    Locale.ROOT,
                    "%d,%.6e,%.6f,%.6f,%.6f,%.6f%n",
                    e.epoch(),
                    e.lr(),
                    e.trainLoss(),
                    e.valLoss(),
                    e.valTop1(),
                    e.valTop5()));
        Files.writeString(file, sb);
    }

    /** RFC 4180 quoting: raw Qwen prompt names may contain commas. */
    static String csv(String v) {
        return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static void writeSplit(Path file, Path root, List<TrainImages.Image> images, TrainImages.Split split)
            throws IOException {
        StringBuilder sb = new StringBuilder("path,class_id,subset\n");
        boolean[] isVal = new boolean[images.size()];
        for (int i : split.val()) isVal[i] = true;
        for (int i = 0; i < images.size(); i++)
            sb.append(csv(root.relativize(images.get(i).file()).toString()))
                    .append(',')
                    .append(images.get(i).classId())
                    .append(',')
                    .append(isVal[i] ? "val" : "train")
                    .append('\n');
        Files.writeString(file, sb);
    }
}
