package org.featmap.ml.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.featmap.ml.AtomicFiles;
import org.featmap.ml.EpochCheckpoints;
import org.featmap.ml.features.PairDataset;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.Safetensors;
import org.featmap.ml.mapping.StateDictInit;
import org.featmap.ml.normstats.NormStats;

/**
 * Trains one mapping model (spec §6): fixed subset/split, no shuffling, drop_last for train, loss /
 * accumulate before backward, an optimiser step every {@code accumulateBatches} batches and after
 * the last batch of the epoch, validation every epoch, EpochRules for LR / early stop / best model.
 * A resumable checkpoint is committed after every epoch; given a checkpoint directory that has one,
 * training continues after its epoch and ends exactly as an uninterrupted run would (dropout masks
 * are drawn from per-step seeds, everything else is in the checkpoint).
 */
public final class TrainStage {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String LATEST = "LATEST";

    private TrainStage() {}

    /** What trainer.json of a checkpoint holds besides the tensors. */
    public static final class TrainerState {
        public int epoch;
        public boolean stopped;
        public long optimizerSteps;
        public double lr;
        public long globalStep;
        public EpochRules rules;
        public List<Double> trainLosses = new ArrayList<>();
        public List<Double> valLosses = new ArrayList<>();
    }

    /**
     * Test-only variations of a run (parity with PyTorch): hidden sizes, dropout on/off, and a hook
     * that overwrites the initial weights (e.g. with PyTorch's) before the first step.
     */
    record Variant(Dims dims, boolean dropout, Consumer<MappingModel> init, int microBatch, DataSplit split) {
        static final Variant SPEC = new Variant(Dims.SPEC, true, m -> {}, 0, null);

        Variant(Dims dims, boolean dropout, Consumer<MappingModel> init) {
            this(dims, dropout, init, 0, null);
        }

        Variant(Dims dims, boolean dropout, Consumer<MappingModel> init, int microBatch) {
            this(dims, dropout, init, microBatch, null);
        }
    }

    /**
     * How a standalone run starts, to reproduce a PyTorch run step by step (issue #16): initial weights from a
     * safetensors file in the reference's key layout (null: the seeded PyTorch-style init), the heads of a
     * transformer file, dropout on or off, and a given batch order (null: spec §6.2's subset and split).
     */
    public record Start(Path init, int heads, boolean dropout, DataSplit order) {
        public static final Start REFERENCE = new Start(null, Dims.SPEC.heads(), true, null);
    }

    public static TrainResult run(TrainOptions o, PairDataset data, Optional<NormStats> norm, TrainListener listener)
            throws IOException {
        return run(o, data, norm, listener, Variant.SPEC);
    }

    public static TrainResult run(
            TrainOptions o, PairDataset data, Optional<NormStats> norm, TrainListener listener, Start start)
            throws IOException {
        if (start.order() != null) {
            for (int[] part : new int[][] {start.order().train(), start.order().val()})
                for (int i : part)
                    if (i < 0 || i >= data.size())
                        throw new IllegalArgumentException("batch order: pair " + i + " is not one of the "
                                + data.size() + " pairs of " + o.manipulation());
        }
        if (start.init() == null)
            return run(o, data, norm, listener, new Variant(Dims.SPEC, start.dropout(), m -> {}, 0, start.order()));
        Dims dims;
        Map<String, NDArray> sd;
        try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
            sd = StateDictInit.read(start.init(), probe);
            dims = StateDictInit.dims(o.modelType(), sd, start.heads(), start.init());
        }
        Variant v = new Variant(
                dims,
                start.dropout(),
                model -> {
                    Device on = model.stateDict()
                            .values()
                            .iterator()
                            .next()
                            .getDevice(); // load where the model lives (engine-op copies)
                    try (NDManager m = NDManager.newBaseManager(on)) {
                        StateDictInit.load(model, StateDictInit.read(start.init(), m), start.init());
                    } catch (IOException e) {
                        throw new IllegalArgumentException(e.getMessage(), e);
                    }
                },
                0,
                start.order());
        return run(o, data, norm, listener, v);
    }

    static TrainResult run(
            TrainOptions o, PairDataset data, Optional<NormStats> norm, TrainListener listener, Variant variant)
            throws IOException {
        o.validate();
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        if (norm.isPresent() && norm.get().channels() != c) {
            throw new IllegalArgumentException("norm stats " + norm.get().featKey() + " have "
                    + norm.get().channels() + " channels, the features " + c);
        }
        DataSplit split =
                variant.split() != null ? variant.split() : DataSplit.of(data.size(), o.subsetSize(), o.valRatio());
        int trainBatches = split.train().length / o.batchSize(); // drop_last
        if (trainBatches < 1 || split.val().length < 1) {
            throw new IllegalArgumentException(
                    "training data: " + data.size() + " pairs give " + split.train().length + " train / "
                            + split.val().length + " val samples: need at least one full batch of " + o.batchSize()
                            + " and one validation sample");
        }
        Files.createDirectories(o.checkpointDir());
        Files.createDirectories(o.outputDir());
        try (NDManager manager = org.featmap.ml.ComputeDevice.manager(Device.fromName(o.device()))) {
            Device device = manager.getDevice();
            MappingModel model = MappingModel.create(
                    o.modelType(), manager, c, o.applyTransform(), o.manipulation(), o.seed(), variant.dims());
            model.masks().setEnabled(variant.dropout());
            variant.init().accept(model);
            AdamW opt = new AdamW(model.trainable(), manager, o.learningRate(), o.weightDecay(), 0.9, 0.999, 1e-8);
            opt.zeroGrad(); // gradients start at exactly 0 (see AdamW.zeroGrad)
            TrainerState st = new TrainerState();
            st.rules = rulesFrom(o);
            st.epoch = -1;
            st.lr = o.learningRate();
            int resumedFrom = -1;
            Optional<Path> last = latestCheckpoint(o.checkpointDir());
            if (last.isPresent()) {
                st = restore(last.get(), manager, model, opt);
                resumedFrom = st.epoch;
            }
            int micro = microBatch(o, variant, h, w, device);
            float[] src = new float[o.batchSize() * c * h * w];
            float[] tgt = new float[src.length];
            for (int epoch = st.epoch + 1; epoch < o.maxEpochs() && !st.stopped; epoch++) {
                double lrUsed = opt.lr();
                double trainSum = 0;
                BatchPrefetcher batches = new BatchPrefetcher(
                        src.length,
                        trainBatches,
                        (b, s, t) -> loadBatch(data, split.train(), b * o.batchSize(), o.batchSize(), norm, s, t));
                try (batches) {
                    for (int b = 0; b < trainBatches; b++) {
                        float[][] batch = batches.get(b);
                        double loss = 0;
                        model.masks().reseed(stepSeed(o.seed(), epoch, b));
                        for (int from = 0; from < o.batchSize(); from += micro) {
                            int n = Math.min(micro, o.batchSize() - from);
                            try (NDScope scope = new NDScope()) {
                                scope.suppressNotUsedWarning();
                                NDArray x = maps(manager, batch[0], from, n, c, h, w);
                                NDArray y = maps(manager, batch[1], from, n, c, h, w);
                                model.masks().setSampleOffset(from);
                                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                    NDArray l = Losses.compute(o.loss(), model.forward(x, true), y);
                                    float part = l.getFloat();
                                    if (!Float.isFinite(part)) throw diverged("train", part, epoch, b, o);
                                    // the batch loss is the mean of per-sample losses (spec §6.3), so a micro-batch of
                                    // n
                                    // samples contributes n/B of its own mean: the summed gradient is the whole batch's
                                    loss += part * (double) n / o.batchSize();
                                    gc.backward(org.featmap.ml.Tensors.div(
                                            l, (float) (o.accumulateBatches() * (double) o.batchSize() / n)));
                                }
                            }
                        }
                        if ((b + 1) % o.accumulateBatches() == 0 || b == trainBatches - 1) {
                            opt.step();
                            opt.zeroGrad();
                        }
                        trainSum += loss;
                        listener.onTrainStep(epoch, st.globalStep++, loss);
                    }
                }
                double valLoss = validate(model, data, split.val(), o, norm, manager, src, tgt, c, h, w, micro);
                if (!Double.isFinite(valLoss)) throw diverged("validation", valLoss, epoch, -1, o);
                double trainLoss = trainSum / trainBatches;
                st.trainLosses.add(trainLoss);
                st.valLosses.add(valLoss);
                EpochRules.Decision d = st.rules.onEpochEnd(epoch, valLoss, lrUsed);
                if (d.saveCheckpoint()) {
                    saveBest(o, model, epoch, valLoss, norm.isPresent());
                }
                opt.setLr(d.nextLr());
                st.epoch = epoch;
                st.stopped = d.stop();
                st.lr = opt.lr();
                st.optimizerSteps = opt.stepCount();
                listener.onEpochEnd(epoch, trainLoss, valLoss, lrUsed);
                Path dir = writeCheckpoint(o.checkpointDir(), st, model, opt);
                listener.onCheckpoint(epoch, dir, d.saveCheckpoint());
            }
            boolean early = st.stopped;
            int bestEpoch = st.rules.ckptEpoch;
            String base = baseName(o, norm.isPresent());
            return new TrainResult(
                    bestEpoch,
                    bestEpoch >= 0 ? st.rules.ckptBest : Double.NaN,
                    st.epoch + 1,
                    early,
                    bestEpoch >= 0 ? o.outputDir().resolve(base + ".safetensors") : null,
                    bestEpoch >= 0 ? o.outputDir().resolve(base + ".json") : null,
                    List.copyOf(st.trainLosses),
                    List.copyOf(st.valLosses),
                    resumedFrom);
        }
    }

    /**
     * A non-finite loss: deterministic training would reach it again on every retry, so it is not retried
     * (issue #14). The last good checkpoint is left where it is, for inspection.
     */
    private static org.featmap.core.contract.DivergedException diverged(
            String what, double value, int epoch, int batch, TrainOptions o) {
        return new org.featmap.core.contract.DivergedException(
                "training diverged: " + what + " loss " + value + " at epoch " + epoch
                        + (batch >= 0 ? " batch " + batch : " (validation)")
                        + " with learning rate " + o.learningRate()
                        + "; lower learning_rate (the last good checkpoint is in "
                        + o.checkpointDir() + ")",
                epoch,
                batch);
    }

    /**
     * Samples per forward/backward pass. Every loss of spec §6.3 is a mean of per-sample terms and only
     * the CNN has batch statistics (BatchNorm), so the other models may split a batch into micro-batches
     * and accumulate gradients: the same update up to float summation order, and the same dropout masks
     * (MaskSource and the fused attention draw per sample). Only the transformer needs it: its attention runs
     * through libtorch's fused scaled_dot_product_attention (FusedAttention), whose memory per sample is
     * {@link #transformerSampleBytes}, measured (bench/train/attention.sh, BENCHMARKS.md). The batch is split
     * into as few passes as {@value #MEMORY_SHARE} of the device's memory allows, of equal size (32 = 16 + 16,
     * not 18 + 14). Micro-batch sizes (not results) may differ between machines.
     */
    static int microBatch(TrainOptions o, Variant variant, int h, int w, Device device) {
        if (o.modelType() != org.featmap.ml.mapping.ModelType.TRANSFORMER || variant.microBatch() > 0) {
            return microBatch(o, variant, h, w, device.isGpu(), 0);
        }
        return microBatch(o, variant, h, w, device.isGpu(), deviceMemory(device));
    }

    /** {@link #microBatch(TrainOptions, Variant, int, int, Device)} for a device of the given kind and memory. */
    static int microBatch(TrainOptions o, Variant variant, int h, int w, boolean gpu, long deviceMemory) {
        if (o.modelType() == org.featmap.ml.mapping.ModelType.CNN) {
            return o.batchSize(); // BatchNorm's batch statistics need the whole batch
        }
        if (variant.microBatch() > 0) {
            return Math.min(variant.microBatch(), o.batchSize());
        }
        if (o.modelType() != org.featmap.ml.mapping.ModelType.TRANSFORMER) {
            return o.batchSize();
        }
        double perSample = transformerSampleBytes(variant.dims(), (long) h * w, !gpu && variant.dropout());
        long fit = (long) Math.max(1, Math.floor(MEMORY_SHARE * deviceMemory / perSample));
        int passes = (int) Math.ceil(o.batchSize() / (double) Math.min(fit, o.batchSize()));
        return (int) Math.ceil(o.batchSize() / (double) passes);
    }

    /**
     * Bytes one sample adds to a training step of the transformer (forward, backward, optimiser), from
     * AttentionBench's first-step peaks (bench/train/attention.sh, 2026-12-02, spec dims, 1,296 and 5,184 tokens):
     * <ul>
     *   <li>per token and layer {@value #TOKEN_FLOATS} × (2·d + FFN) floats — measured 8.4 (69 KB at d 512 / FFN
     *       1024) with every dropout on but the attention weights' (what a CUDA step holds: the
     *       memory-efficient kernel stores no mask) and 5.1 with dropout off (the flash kernel on CPU); linear in
     *       tokens and in the batch;
     *   <li>plus {@value #MATH_MAPS} heads·tokens² float maps per layer where dropout forces libtorch's math
     *       path (CPU with dropout on; measured 3.09 at 1,296 and 3.20 at 5,184 tokens: softmax output, dropout
     *       mask, dropped weights — PyTorch keeps the same there).
     * </ul>
     * ConvNeXt feat0 (5,184 tokens): 1.53 GB per sample on a GPU — an L40/L40S (46,068 MiB) runs the batch of 32
     * in 2 passes of 16 (32 samples ≈ 49 GB), an 80 GB card in one — and 12.9 GB on a CPU with dropout (one sample
     * per pass); feat1 (1,296 tokens): 0.38 GB on a GPU (one pass), 1.09 GB on a CPU with dropout.
     */
    static double transformerSampleBytes(Dims dims, long tokens, boolean mathPath) {
        double perLayer = TOKEN_FLOATS * (2.0 * dims.dModel() + dims.ffn()) * tokens * Float.BYTES;
        if (mathPath) {
            perLayer += MATH_MAPS * dims.heads() * (double) tokens * tokens * Float.BYTES;
        }
        return dims.layers() * perLayer;
    }

    /** Floats per token, layer and (2·d + FFN) kept by a training step: 8.4 measured, 9 budgeted. */
    static final double TOKEN_FLOATS = 9;
    /** heads·tokens² maps per layer on libtorch's math path (3.20 measured at feat0). */
    static final double MATH_MAPS = 3.3;

    static final double MEMORY_SHARE = 0.6;

    /** Maps [from, from + n) of a (B, C, H, W) float array as an owned (n, C, H, W) tensor. */
    private static NDArray maps(NDManager manager, float[] a, int from, int n, int c, int h, int w) {
        int map = c * h * w;
        return org.featmap.ml.Tensors.owned(
                manager, java.nio.FloatBuffer.wrap(a, from * map, n * map).slice(), new Shape(n, c, h, w));
    }

    private static long deviceMemory(Device device) {
        if (device.isGpu()) {
            return ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getMax();
        }
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 8L << 30;
    }

    private static EpochRules rulesFrom(TrainOptions o) {
        EpochRules r = new EpochRules();
        r.esMinDelta = o.esMinDelta();
        r.esPatience = o.esPatience();
        r.checkpointEvery = o.checkpointEvery();
        r.plFactor = o.plateauFactor();
        r.plPatience = o.plateauPatience();
        r.plThreshold = o.plateauThreshold();
        r.minLr = o.minLr();
        return r;
    }

    static long stepSeed(long seed, int epoch, int batch) {
        long s = seed * 0x9E3779B97F4A7C15L + epoch;
        return s * 0x9E3779B97F4A7C15L + batch;
    }

    /** Validation: eval mode, short last batch kept, equal-weight batch mean (spec §6.4). */
    private static double validate(
            MappingModel model,
            PairDataset data,
            int[] val,
            TrainOptions o,
            Optional<NormStats> norm,
            NDManager manager,
            float[] src,
            float[] tgt,
            int c,
            int h,
            int w,
            int micro)
            throws IOException {
        double sum = 0;
        int batches = 0;
        for (int from = 0; from < val.length; from += o.batchSize()) {
            int n = Math.min(o.batchSize(), val.length - from);
            loadBatch(data, val, from, n, norm, src, tgt);
            double batchLoss = 0;
            for (int mf = 0; mf < n; mf += micro) {
                int mn = Math.min(micro, n - mf);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = maps(manager, src, mf, mn, c, h, w);
                    NDArray y = maps(manager, tgt, mf, mn, c, h, w);
                    batchLoss +=
                            Losses.compute(o.loss(), model.forward(x, false), y).getFloat() * (double) mn / n;
                }
            }
            sum += batchLoss;
            batches++;
        }
        return sum / batches;
    }

    private static void loadBatch(
            PairDataset data, int[] idx, int from, int n, Optional<NormStats> norm, float[] src, float[] tgt)
            throws IOException {
        int map = data.channels() * data.height() * data.width();
        for (int i = 0; i < n; i++) {
            data.read(idx[from + i], src, i * map, tgt, i * map);
        }
        for (int i = 0; i < n * map; i++) {
            if (!Float.isFinite(src[i]) || !Float.isFinite(tgt[i])) {
                throw new IllegalArgumentException(
                        "training data: pair " + idx[from + i / map] + " (" + data.originalId(idx[from + i / map])
                                + ", " + data.manipulation(idx[from + i / map]) + ") has a non-finite feature value");
            }
        }
        if (norm.isPresent()) {
            int hw = data.height() * data.width();
            norm.get().normalize(src, 0, n, hw);
            norm.get().normalize(tgt, 0, n, hw);
        }
    }

    static String baseName(TrainOptions o, boolean normalized) {
        String layer = o.info() != null ? o.info().layer() : "feat";
        // spec §6.5 naming, without Lightning's -vN versions (each cell has its own directory; B19)
        return o.modelType().key() + "_" + layer + "_normalized_" + (normalized ? "True" : "False") + "_mapping_model";
    }

    private static void saveBest(TrainOptions o, MappingModel model, int epoch, double valLoss, boolean normalized)
            throws IOException {
        // the model is saved once, as safetensors (what TrainedMapping and PyTorch load); DJL's .params copy was read
        // by nothing and doubled the store (a feat0 transformer is 64.8 MB; issue #13 6e)
        String base = baseName(o, normalized);
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, Object> side = new LinkedHashMap<>();
        TrainOptions.ModelInfo info = o.info();
        side.put("backbone", info == null ? null : info.backbone());
        side.put("dataset", info == null ? null : info.dataset());
        side.put("group", info == null ? null : info.group());
        side.put("manipulation", o.manipulation());
        side.put("layer", info == null ? null : info.layer());
        side.put("model_type", o.modelType().key());
        side.put("apply_transform", o.applyTransform());
        side.put("normalized", normalized);
        side.put("loss", o.loss().name());
        side.put("channels", model.channels());
        side.put("epoch", epoch);
        side.put("val_loss", valLoss);
        side.forEach((k, v) -> meta.put(k, String.valueOf(v)));
        Safetensors.write(o.outputDir().resolve(base + ".safetensors"), model.stateDict(), meta);
        AtomicFiles.writeVia(o.outputDir().resolve(base + ".json"), tmp -> JSON.writeValue(tmp.toFile(), side));
    }

    // ---- resumable checkpoints: <dir>/epoch-NNNN/{state.safetensors,trainer.json} + LATEST ----

    static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        Path latest = dir.resolve(LATEST);
        if (!Files.exists(latest)) {
            return Optional.empty();
        }
        Path d = dir.resolve(Files.readString(latest).trim());
        if (!Files.isRegularFile(d.resolve("trainer.json")) || !Files.isRegularFile(d.resolve("state.safetensors"))) {
            throw new IOException("checkpoint " + d + " named by " + latest + " is incomplete");
        }
        return Optional.of(d);
    }

    private static Path writeCheckpoint(Path root, TrainerState st, MappingModel model, AdamW opt) throws IOException {
        // the layout and commit order every stage with epochs shares (EpochCheckpoints); the adapter's listener
        // gets the folder after it
        return new EpochCheckpoints(root, null).commit(st.epoch, tmp -> {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
            tensors.putAll(opt.state());
            Safetensors.write(tmp.resolve("state.safetensors"), tensors, Map.of("epoch", String.valueOf(st.epoch)));
            JSON.writeValue(tmp.resolve("trainer.json").toFile(), st);
        });
    }

    private static TrainerState restore(Path dir, NDManager manager, MappingModel model, AdamW opt) throws IOException {
        TrainerState st = JSON.readValue(dir.resolve("trainer.json").toFile(), TrainerState.class);
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> state = Safetensors.read(dir.resolve("state.safetensors"), tmp);
            for (String k : model.stateDict().keySet()) {
                NDArray v = state.get("model." + k);
                if (v == null) {
                    throw new IOException("checkpoint " + dir + " lacks tensor model." + k);
                }
                model.load(k, v);
            }
            opt.restore(st.optimizerSteps, st.lr, state);
        }
        return st;
    }
}
