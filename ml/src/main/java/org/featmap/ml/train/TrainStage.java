package org.featmap.ml.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.featmap.ml.features.PairDataset;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.MappingModel;
import org.featmap.ml.mapping.StateDictInit;
import org.featmap.ml.normstats.NormStats;

/**
 * Trains one mapping model (spec §6): the loop alone, as DJL's EasyTrain — fixed subset/split, no shuffling,
 * drop_last for train, each batch through {@link MicroBatches} (as many passes as {@link MemoryBudget} allows,
 * loss / accumulate before backward), an optimiser step every {@code accumulateBatches} batches and after the last
 * batch of the epoch, validation every epoch, then the {@link EpochListener}s in order: {@link BestModelExport},
 * {@link EarlyStopping}, {@link PlateauLr}, {@link MetricLogging} (the caller's {@link TrainListener}) and {@link
 * EpochCheckpointing}. A resumable checkpoint is committed after every epoch; given a checkpoint directory that has
 * one, training continues after its epoch and ends exactly as an uninterrupted run would (dropout masks are drawn
 * from per-step seeds, everything else is in the checkpoint).
 */
public final class TrainStage {
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
        BestModelExport best = new BestModelExport(o, norm.isPresent());
        // in this order: the decisions of spec §6.4/§6.5 (each on its own state in EpochRules), then the reports
        List<EpochListener> listeners = List.of(
                best,
                new EarlyStopping(),
                new PlateauLr(),
                new MetricLogging(listener),
                new EpochCheckpointing(o.checkpointDir(), listener, best));
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
            Optional<Path> last = EpochCheckpointing.latest(o.checkpointDir());
            if (last.isPresent()) {
                st = EpochCheckpointing.restore(last.get(), manager, model, opt);
                best.restoreFrom(last.get(), st.rules.ckptEpoch);
                resumedFrom = st.epoch;
            }
            MicroBatches passes =
                    new MicroBatches(o, manager, MemoryBudget.microBatch(o, variant, h, w, device), c, h, w);
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
                        model.masks().reseed(stepSeed(o.seed(), epoch, b));
                        double loss = passes.train(model, batch, epoch, b);
                        if ((b + 1) % o.accumulateBatches() == 0 || b == trainBatches - 1) {
                            opt.step();
                            opt.zeroGrad();
                        }
                        trainSum += loss;
                        for (EpochListener l : listeners) l.onBatchEnd(epoch, st.globalStep, loss);
                        st.globalStep++;
                    }
                }
                double valLoss = validate(model, data, split.val(), o, norm, passes, src, tgt);
                if (!Double.isFinite(valLoss)) throw diverged("validation", valLoss, epoch, -1, o);
                double trainLoss = trainSum / trainBatches;
                st.trainLosses.add(trainLoss);
                st.valLosses.add(valLoss);
                EpochEnd end = new EpochEnd(epoch, trainLoss, valLoss, lrUsed, st, model, opt);
                for (EpochListener l : listeners) l.onEpochEnd(end);
            }
            int bestEpoch = st.rules.ckptEpoch;
            if (bestEpoch >= 0 && !Files.isRegularFile(best.safetensors(bestEpoch)))
                throw new IOException("training ended with best epoch " + bestEpoch + " but its export "
                        + best.safetensors(bestEpoch) + " is missing");
            return new TrainResult(
                    bestEpoch,
                    bestEpoch >= 0 ? st.rules.ckptBest : Double.NaN,
                    st.epoch + 1,
                    st.stopped,
                    best.safetensors(bestEpoch),
                    best.sidecar(bestEpoch),
                    List.copyOf(st.trainLosses),
                    List.copyOf(st.valLosses),
                    resumedFrom);
        }
    }

    /**
     * A non-finite loss: deterministic training would reach it again on every retry, so it is not retried
     * (issue #14). The last good checkpoint is left where it is, for inspection.
     */
    static org.featmap.core.contract.DivergedException diverged(
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
            MicroBatches passes,
            float[] src,
            float[] tgt)
            throws IOException {
        double sum = 0;
        int batches = 0;
        for (int from = 0; from < val.length; from += o.batchSize()) {
            int n = Math.min(o.batchSize(), val.length - from);
            loadBatch(data, val, from, n, norm, src, tgt);
            sum += passes.validate(model, src, tgt, n);
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
}
