package org.featmap.ml.reconstruct;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.train.AdamW;

/**
 * Trains a {@link DecoderModel} to map the features of every row of one layer's store (originals and
 * manipulated images alike) to that row's image at S×S ({@link DecoderTargets}). Adam (DJL's; this model is
 * ours, not the reference's: torch.optim.Adam written out, {@link AdamW} without decay), {@link DecoderLoss}, seeded init / split / shuffles: on CPU with a fixed
 * thread count two runs with the same seed give bit-identical parameters.
 *
 * <p>Validation holds out whole originals (all rows sharing class and original id), not single rows: a
 * manipulated copy of a training image would otherwise make validation an easy interpolation.
 */
public final class DecoderTrainStage {
    private DecoderTrainStage() {}

    public static DecoderResult run(DecoderOptions o, FeatureStoreReader store) throws IOException {
        return run(o, store, org.featmap.ml.EpochCheckpoints.none());
    }

    /**
     * As {@link #run(DecoderOptions, FeatureStoreReader)}, with a checkpoint after every epoch (parameters, Adam's
     * moments and step count, the loss history): given the folder of an interrupted run it continues after its last
     * epoch, and the decoder is bitwise that of an uninterrupted run (issue #14). The per-epoch shuffles are drawn
     * from (seed, epoch) alone, so no generator state needs saving.
     */
    public static DecoderResult run(
            DecoderOptions o, FeatureStoreReader store, org.featmap.ml.EpochCheckpoints checkpoints)
            throws IOException {
        int[] fs = store.shape();
        DecoderShape shape = new DecoderShape(fs[0], fs[1], fs[2], o.imageSize(), o.hiddenWidth());
        int[][] split = split(store, o.valFraction(), o.seed());
        int[] train = split[0], val = split[1];
        byte[] targets = DecoderTargets.load(store, o.imagesDir(), o.imageSize());
        Files.createDirectories(o.outDir());
        Engine.getEngine("PyTorch"); // loads libtorch: JniUtils calls before that fail with UnsatisfiedLinkError
        int threadsBefore = JniUtils.getNumThreads();
        if (o.threads() > 0) JniUtils.setNumThreads(o.threads());
        try {
            return train(o, store, shape, train, val, targets, checkpoints);
        } finally {
            if (o.threads() > 0) JniUtils.setNumThreads(threadsBefore); // process-wide in libtorch: leave it as found
        }
    }

    private static DecoderResult train(
            DecoderOptions o,
            FeatureStoreReader store,
            DecoderShape shape,
            int[] train,
            int[] val,
            byte[] targets,
            org.featmap.ml.EpochCheckpoints checkpoints)
            throws IOException {

        List<Double> trainLoss = new ArrayList<>(), valLoss = new ArrayList<>();
        double initialVal;
        int first = 1;
        long t0 = System.nanoTime();
        try (Model model = org.featmap.ml.ComputeDevice.model("decoder", o.device())) {
            DecoderModel.Built built = DecoderModel.build(shape);
            model.setBlock(built.block());
            // the trainer runs forward passes only: the steps are torch.optim.Adam's (AdamW with no decay), whose
            // moments can be
            // checkpointed; DJL's Adam keeps them private (code version 2 of reconstruct, issue #14)
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l1Loss()) // unused: the loss is computed below
                    .optDevices(new Device[] {model.getNDManager().getDevice()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(DecoderModel.inputShape(shape));
                DecoderModel.reinitialize(built, o.seed());
                Map<String, NDArray> params = new java.util.LinkedHashMap<>();
                for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p :
                        built.block().getParameters())
                    if (params.put(p.getKey(), p.getValue().getArray()) != null)
                        throw new IllegalStateException("two decoder parameters named " + p.getKey());
                AdamW adam = new AdamW(params, trainer.getManager(), o.learningRate(), 0.0, 0.9, 0.999, 1e-8);
                java.util.Optional<java.nio.file.Path> saved = checkpoints.latest();
                if (saved.isPresent()) {
                    LoopState st = restore(saved.get(), trainer.getManager(), params, adam);
                    initialVal = st.initialValLoss;
                    trainLoss.addAll(st.trainLoss);
                    valLoss.addAll(st.valLoss);
                    first = st.epoch + 1;
                    o.progress().report(st.epoch, o.epochs(), "epoch=" + st.epoch);
                } else {
                    initialVal = evaluate(trainer, store, targets, val, o);
                }
                for (int epoch = first; epoch <= o.epochs(); epoch++) {
                    int[] order = shuffled(train, new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + epoch));
                    double sum = 0;
                    for (int start = 0; start < order.length; start += o.batchSize()) {
                        int[] rows = Arrays.copyOfRange(order, start, Math.min(order.length, start + o.batchSize()));
                        try (NDManager step = trainer.getManager().newSubManager()) {
                            NDArray x = store.readRows(step, rows);
                            NDArray y = targetBatch(step, targets, rows, o.imageSize());
                            adam.zeroGrad();
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                                NDArray loss = o.loss().compute(pred, y);
                                float l = loss.getFloat();
                                if (!Float.isFinite(l)) // deterministic: a retry would reach it again (issue #14)
                                throw new org.featmap.core.contract.DivergedException(
                                            "decoder training diverged: train loss " + l + " at epoch " + epoch
                                                    + " batch " + start / o.batchSize() + " with learning rate "
                                                    + o.learningRate() + "; lower learning_rate",
                                            epoch,
                                            start / o.batchSize());
                                sum += l * rows.length;
                                gc.backward(loss);
                            }
                            adam.step();
                        }
                        o.progress()
                                .report(
                                        epoch - 1,
                                        o.epochs(),
                                        "epoch=" + (epoch - 1)); // a heartbeat per batch (the SDK throttles)
                    }
                    double tl = sum / train.length, vl = evaluate(trainer, store, targets, val, o);
                    trainLoss.add(tl);
                    valLoss.add(vl);
                    o.listener()
                            .onEpoch(
                                    epoch,
                                    o.epochs(),
                                    tl,
                                    vl); // before the checkpoint: a resumed run starts after a logged epoch
                    LoopState st = new LoopState(
                            epoch, adam.stepCount(), initialVal, List.copyOf(trainLoss), List.copyOf(valLoss));
                    checkpoints.commit(epoch, dir -> write(dir, params, adam, st));
                    o.progress().report(epoch, o.epochs(), "epoch=" + epoch);
                }
            }
            model.save(o.outDir(), DecoderSidecar.PREFIX);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        new DecoderSidecar(
                        DecoderSidecar.FORMAT,
                        shape.channels(),
                        shape.featHeight(),
                        shape.featWidth(),
                        shape.imageSize(),
                        shape.hiddenWidth(),
                        store.layer(),
                        store.backbone(),
                        o.loss().name().toLowerCase(),
                        o.epochs(),
                        o.seed(),
                        train.length,
                        val.length,
                        valLoss.get(valLoss.size() - 1))
                .write(o.outDir());
        return new DecoderResult(
                o.outDir(),
                train.length,
                val.length,
                initialVal,
                List.copyOf(trainLoss),
                List.copyOf(valLoss),
                seconds,
                (double) train.length * o.epochs() / seconds);
    }

    /** The loop's state between epochs (trainer.json of an epoch checkpoint). */
    record LoopState(int epoch, long adamSteps, double initialValLoss, List<Double> trainLoss, List<Double> valLoss) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static void write(java.nio.file.Path dir, Map<String, NDArray> params, AdamW adam, LoopState st)
            throws IOException {
        Map<String, NDArray> t = new java.util.LinkedHashMap<>();
        params.forEach((k, a) -> t.put("param." + k, a));
        t.putAll(adam.state());
        org.featmap.ml.mapping.Safetensors.write(
                dir.resolve("state.safetensors"), t, Map.of("epoch", String.valueOf(st.epoch())));
        JSON.writeValue(dir.resolve("trainer.json").toFile(), st);
    }

    private static LoopState restore(java.nio.file.Path dir, NDManager manager, Map<String, NDArray> params, AdamW adam)
            throws IOException {
        LoopState st = JSON.readValue(dir.resolve("trainer.json").toFile(), LoopState.class);
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> t = org.featmap.ml.mapping.Safetensors.read(dir.resolve("state.safetensors"), m);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray saved = t.get("param." + e.getKey());
                if (saved == null || !saved.getShape().equals(e.getValue().getShape()))
                    throw new IOException("checkpoint " + dir + ": parameter " + e.getKey()
                            + " missing or of another shape (another decoder?)");
                org.featmap.ml.mapping.MappingModel.copyInto(e.getValue(), saved);
            }
            adam.restore(st.adamSteps(), adam.lr(), t);
        }
        return st;
    }

    /** Mean loss over {@code rows} (eval mode, no autograd graph). */
    private static double evaluate(
            Trainer trainer, FeatureStoreReader store, byte[] targets, int[] rows, DecoderOptions o)
            throws IOException {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            double sum = 0;
            for (int start = 0; start < rows.length; start += o.batchSize()) {
                int[] b = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + o.batchSize()));
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDArray pred = trainer.evaluate(new NDList(store.readRows(step, b)))
                            .singletonOrThrow();
                    sum += o.loss()
                                    .compute(pred, targetBatch(step, targets, b, o.imageSize()))
                                    .getFloat()
                            * b.length;
                }
            }
            return sum / rows.length;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    static NDArray targetBatch(NDManager m, byte[] targets, int[] rows, int size) {
        int per = 3 * size * size;
        float[] v = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            int src = rows[i] * per, dst = i * per;
            for (int k = 0; k < per; k++) v[dst + k] = (targets[src + k] & 0xFF) / 255f;
        }
        return org.featmap.ml.Tensors.owned(m, v, new Shape(rows.length, 3, size, size));
    }

    /**
     * {train rows, val rows}: originals (class id + original id) sorted, shuffled with {@code seed}, the first
     * max(1, round(fraction · originals)) held out. Rows keep store order within each part.
     */
    static int[][] split(FeatureStoreReader store, double fraction, long seed) {
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int r = 0; r < store.size(); r++)
            groups.computeIfAbsent(store.classId(r) + "/" + store.originalId(r), k -> new ArrayList<>())
                    .add(r);
        if (groups.size() < 2)
            throw new IllegalArgumentException(store.dir() + ": " + groups.size()
                    + " original image(s); the decoder needs at least 2 (one is held out for validation)");
        List<String> keys = new ArrayList<>(groups.keySet());
        int[] idx = shuffled(java.util.stream.IntStream.range(0, keys.size()).toArray(), new SplittableRandom(seed));
        int nVal = (int) Math.max(1, Math.min(keys.size() - 1, Math.round(fraction * keys.size())));
        boolean[] isVal = new boolean[store.size()];
        for (int i = 0; i < nVal; i++) for (int r : groups.get(keys.get(idx[i]))) isVal[r] = true;
        List<Integer> tr = new ArrayList<>(), va = new ArrayList<>();
        for (int r = 0; r < store.size(); r++) (isVal[r] ? va : tr).add(r);
        return new int[][] {
            tr.stream().mapToInt(Integer::intValue).toArray(),
            va.stream().mapToInt(Integer::intValue).toArray()
        };
    }

    /** Fisher–Yates on a copy. */
    static int[] shuffled(int[] a, SplittableRandom rng) {
        int[] r = a.clone();
        for (int i = r.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = r[i];
            r[i] = r[j];
            r[j] = t;
        }
        return r;
    }
}
