package org.featmap.workers;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.featmap.activities.report.ReportStages;
import org.featmap.activities.stage.NodeRunner;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.featmap.core.tracking.Tracker;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;
import org.featmap.ml.features.FeatureExport;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.mapping.ModelType;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.test.TestOptions;
import org.featmap.ml.test.TestResult;
import org.featmap.ml.test.TestStage;
import org.featmap.ml.train.TrainListener;
import org.featmap.ml.train.TrainOptions;
import org.featmap.ml.train.TrainResult;
import org.featmap.ml.train.TrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Stage commands for extraction, training and the report: the same ml entry points as the graph. */
final class MoreStageCommands {
    private MoreStageCommands() {}

    @Command(
            name = "export-backbone",
            mixinStandardHelpOptions = true,
            description = "Exports a timm backbone to per-stage TorchScript + manifest (runs python/export_backbone.py;"
                    + " needs python/requirements-export.txt).")
    static final class ExportBackbone implements Callable<Integer> {
        @Option(
                names = "--timm-id",
                required = true,
                description = "timm model name, e.g. convnext_base.fb_in22k_ft_in1k")
        String timmId;

        @Option(
                names = "--out",
                required = true,
                description = "output folder (per-stage TorchScript modules + manifest.json)")
        Path out;

        @Option(
                names = "--input-size",
                required = true,
                description = "input resolution the modules are traced at (288 for ConvNeXt, 384 for SwinV2)")
        int inputSize;

        @Option(names = "--timm-kwargs", description = "JSON of timm.create_model kwargs")
        String kwargs;

        @Option(names = "--pretrained", description = "download pretrained weights (needs hub access)")
        boolean pretrained;

        @Option(
                names = "--python",
                defaultValue = "python3",
                description = "the Python with requirements-export.txt installed (default: ${DEFAULT-VALUE})")
        String python;

        @Override
        public Integer call() throws Exception {
            Path script = Path.of(System.getProperty("featmap.home", ".")).resolve("python/export_backbone.py");
            if (!Files.isRegularFile(script))
                throw new IllegalArgumentException("no " + script + " (run from the repository root)");
            List<String> cmd = new ArrayList<>(List.of(
                    python,
                    script.toString(),
                    "--timm-id",
                    timmId,
                    "--out",
                    out.toString(),
                    "--input-size",
                    Integer.toString(inputSize),
                    pretrained ? "--pretrained" : "--random-init"));
            if (kwargs != null) cmd.addAll(List.of("--timm-kwargs", kwargs));
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        }
    }

    @Command(
            name = "extract",
            mixinStandardHelpOptions = true,
            description =
                    "Extracts backbone features of augmented images into Arrow feature stores (spec §3), as the extract node.")
    static final class Extract implements Callable<Integer> {
        @Option(names = "--backbone", required = true, description = "export folder with manifest.json")
        Path backbone;

        @Option(names = "--images", required = true, description = "an images/augmented_<split> folder")
        Path images;

        @Option(names = "--layer", required = true, split = ",", description = "layers, e.g. feat3 or feat0,feat1")
        List<String> layers;

        @Option(names = "--out", required = true, description = "output folder: one Arrow feature store per layer")
        Path out;

        @Option(
                names = "--source",
                defaultValue = "direct",
                description = "feature source folder name: direct or qwen_gs_1_infsteps_10 (default: ${DEFAULT-VALUE})")
        String source;

        @Option(
                names = "--split",
                defaultValue = "train",
                description = "train or test, recorded in the store (default: ${DEFAULT-VALUE})")
        String split;

        @Option(
                names = "--dataset",
                defaultValue = "dataset",
                description = "dataset name, recorded in the store (default: ${DEFAULT-VALUE})")
        String dataset;

        @Option(
                names = "--dtype",
                defaultValue = "float32",
                description = "float32 or float16 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Option(
                names = "--compression",
                defaultValue = "none",
                description = "none, zstd or lz4 (default: ${DEFAULT-VALUE})")
        String compression;

        @Option(
                names = "--batch",
                defaultValue = "16",
                description = "images per forward pass (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu[:index]")
        String device;

        @Override
        public Integer call() throws Exception {
            List<String> ls = new ArrayList<>();
            for (String l : layers) ls.add(l.matches("[0-9]") ? "feat" + l : l);
            ExtractReport r = ExtractStage.run(new ExtractOptions(
                    backbone,
                    images,
                    source,
                    out,
                    ls,
                    dataset,
                    split,
                    batch,
                    512,
                    FeatureDType.parse(dtype),
                    FeatureCompression.parse(compression),
                    Device.fromName(device),
                    0,
                    Progress.NONE));
            System.out.printf(
                    "%d rows of %d samples, %.2f images/s; stores: %s%n",
                    r.rows(), r.samples(), r.imagesPerSecond(), r.layerDirs().values());
            r.failures().forEach(f -> System.out.println("  failed: " + f.path() + ": " + f.error()));
            return r.failures().isEmpty() ? 0 : 3;
        }
    }

    @Command(
            name = "features",
            mixinStandardHelpOptions = true,
            description = "Feature store tools.",
            subcommands = {FeaturesExport.class, FeaturesImport.class})
    static final class Features implements Callable<Integer> {
        @Override
        public Integer call() {
            new picocli.CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description =
                    "Writes a feature store as <key>.npy (N,C,H,W float32), meta.jsonl, pairs.csv and features.json for numpy users (features import reads them back).")
    static final class FeaturesExport implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "one layer's feature store folder")
        Path store;

        @Option(names = "--format", defaultValue = "npy", description = "npy (the only format)")
        String format;

        @Option(
                names = "--out",
                required = true,
                description = "output folder for <key>.npy, meta.jsonl, pairs.csv and features.json")
        Path out;

        @Option(names = "--key", description = "array name (default: the store's layer)")
        String key;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("npy")) throw new IllegalArgumentException("--format '" + format + "': allowed is npy");
            try (FeatureStoreReader r = FeatureStoreReader.open(store)) {
                FeatureExport.toNpy(r, key != null ? key : r.layer(), out);
                System.out.printf("wrote %d rows to %s%n", r.size(), out);
            }
            return 0;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description =
                    "Reads <key>.npy (N,C,H,W float32/float16), meta.jsonl and pairs.csv (the format of features export, e.g."
                            + " written from PyTorch) into an Arrow feature store; identity from features.json where present, else the options.")
    static final class FeaturesImport implements Callable<Integer> {
        @Option(
                names = "--from",
                required = true,
                description = "folder with <key>.npy, meta.jsonl, pairs.csv (and features.json)")
        Path from;

        @Option(names = "--out", required = true, description = "an empty folder for the feature store")
        Path out;

        @Option(names = "--key", description = "array name when the folder holds more than one .npy")
        String key;

        @Option(
                names = "--backbone",
                description = "backbone name recorded in the store (default: features.json, else imported)")
        String backbone;

        @Option(
                names = "--weights-sha256",
                description =
                        "backbone weights fingerprint recorded in the store (default: features.json, else unknown)")
        String weights;

        @Option(
                names = "--layer",
                description = "layer name, e.g. feat3 (default: features.json, else the .npy's name)")
        String layer;

        @Option(names = "--dataset", description = "dataset name (default: features.json, else dataset)")
        String dataset;

        @Option(names = "--split", description = "train or test (default: features.json, else train)")
        String split;

        @Option(
                names = "--source",
                description = "direct or qwen_gs_1_infsteps_10 (default: features.json, else direct)")
        String source;

        @Option(
                names = "--dtype",
                description = "float32 or float16 in the store (default: features.json, else the .npy's)")
        String dtype;

        @Option(names = "--compression", description = "none, zstd or lz4 (default: features.json, else none)")
        String compression;

        @Option(
                names = "--shard-rows",
                defaultValue = "1024",
                description = "rows per Arrow shard (default: ${DEFAULT-VALUE})")
        int shardRows;

        @Override
        public Integer call() throws Exception {
            org.featmap.ml.features.FeatureImport.Result r;
            try {
                r = org.featmap.ml.features.FeatureImport.run(
                        from,
                        out,
                        new org.featmap.ml.features.FeatureImport.Options(
                                key,
                                backbone,
                                weights,
                                layer,
                                dataset,
                                split,
                                source,
                                dtype == null ? null : FeatureDType.parse(dtype),
                                compression == null ? null : FeatureCompression.parse(compression),
                                shardRows));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e); // the input files: exit 2
            }
            System.out.printf(
                    "wrote %d rows (%d pairs) of %s %s %s/%s/%s, shape %s, %s, to %s%n",
                    r.rows(),
                    r.pairs(),
                    r.spec().backbone(),
                    r.spec().layer(),
                    r.spec().dataset(),
                    r.spec().split(),
                    r.spec().source(),
                    java.util.Arrays.toString(r.spec().shape()),
                    r.spec().dtype().id(),
                    out);
            return 0;
        }
    }

    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description =
                    "Trains one mapping cell (spec §6) on a feature store, as the train node (reference hyper-parameters).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--features", required = true, description = "one layer's train feature store")
        Path features;

        @Option(names = "--manipulation", required = true, description = "the manipulation to map (e.g. rotation_90)")
        String manipulation;

        @Option(names = "--layer", required = true, description = "layer, e.g. 3 or feat3")
        String layer;

        @Option(names = "--model", required = true, description = "linear, mlp, cnn or transformer")
        String model;

        @Option(names = "--apply-transform", description = "the fixed spatial transform of §5.7 first")
        boolean applyTransform;

        @Option(names = "--norm", description = "norm.json of the normstats node (normalised layers)")
        Path norm;

        @Option(names = "--out", required = true, description = "output folder: checkpoints/ and model/")
        Path out;

        @Option(names = "--max-epochs", defaultValue = "100", description = "epoch limit (default: ${DEFAULT-VALUE})")
        int maxEpochs;

        @Option(
                names = "--batch-size",
                defaultValue = "32",
                description = "pairs per batch (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(
                names = "--learning-rate",
                defaultValue = "1e-4",
                description = "AdamW learning rate (spec §6.4; default: ${DEFAULT-VALUE})")
        double learningRate;

        @Option(
                names = "--device",
                defaultValue = "cpu",
                description = "cpu or gpu[:index] (default: ${DEFAULT-VALUE})")
        String device;

        @Option(
                names = "--init",
                description = "start from these weights: a safetensors file in the reference's state-dict layout"
                        + " (spec §5.9, keys model.<module key> or without the prefix); hidden sizes are read from it")
        Path init;

        @Option(
                names = "--heads",
                defaultValue = "8",
                description =
                        "attention heads of a transformer --init file (not in a state dict; default: ${DEFAULT-VALUE})")
        int heads;

        @Option(
                names = "--no-dropout",
                description =
                        "dropout 0 (Java's dropout masks come from its own reseeded stream, never torch's, so runs"
                                + " with dropout cannot be reproduced mask for mask)")
        boolean noDropout;

        @Option(
                names = "--order",
                defaultValue = "reference",
                description = "batch order: reference (spec §6.2 subset and split),"
                        + " sequential (the first pairs train, the rest validate), or a CSV file of rows split,pair (split train|val, pair = index in the"
                        + " manipulation's pair list, in loader order)")
        String order;

        @Option(
                names = "--loss-trace",
                description = "write every training batch's loss and every epoch's val loss to this CSV"
                        + " (phase,epoch,batch,step,loss,lr)")
        Path lossTrace;

        @Override
        public Integer call() throws Exception {
            String l = layer.matches("[0-9]") ? "feat" + layer : layer;
            Optional<NormStats> ns = norm == null ? Optional.empty() : Optional.of(NormStatsFile.read(norm));
            TrainOptions o = TrainOptions.defaults(
                            ModelType.parse(model),
                            applyTransform,
                            manipulation,
                            out.resolve("checkpoints"),
                            out.resolve("model"),
                            new TrainOptions.ModelInfo("backbone", "dataset", "group", l))
                    .withMaxEpochs(maxEpochs)
                    .withBatchSize(batchSize)
                    .withLearningRate(learningRate);
            o = new TrainOptions(
                    o.modelType(),
                    o.applyTransform(),
                    o.manipulation(),
                    o.loss(),
                    o.learningRate(),
                    o.weightDecay(),
                    o.batchSize(),
                    o.accumulateBatches(),
                    o.maxEpochs(),
                    o.subsetSize(),
                    o.valRatio(),
                    o.esMinDelta(),
                    o.esPatience(),
                    o.checkpointEvery(),
                    o.plateauFactor(),
                    o.plateauPatience(),
                    o.plateauThreshold(),
                    o.minLr(),
                    device,
                    o.seed(),
                    o.checkpointDir(),
                    o.outputDir(),
                    o.info());
            if (init != null && !Files.isRegularFile(init))
                throw new IllegalArgumentException("--init " + init + ": no such file");
            try (FeatureStoreReader r = FeatureStoreReader.open(features);
                    TraceWriter trace = lossTrace == null ? null : new TraceWriter(lossTrace)) {
                var pairs = r.pairDataset(manipulation);
                TrainStage.Start start =
                        new TrainStage.Start(init, heads, !noDropout, BatchOrder.parse(order, pairs.size(), o));
                TrainResult res = TrainStage.run(
                        o,
                        pairs,
                        ns,
                        new TrainListener() {
                            long epochStart;
                            int lastEpoch = -1;

                            @Override
                            public void onTrainStep(int epoch, long step, double loss) {
                                if (epoch != lastEpoch) {
                                    lastEpoch = epoch;
                                    epochStart = step;
                                }
                                if (trace != null) trace.row("train", epoch, step - epochStart, step, loss, Double.NaN);
                            }

                            @Override
                            public void onEpochEnd(int epoch, double trainLoss, double valLoss, double lr) {
                                if (trace != null) trace.row("val", epoch, -1, -1, valLoss, lr);
                                System.out.printf(
                                        "epoch %d: train %.6f val %.6f lr %.2e%n", epoch, trainLoss, valLoss, lr);
                            }
                        },
                        start);
                System.out.printf(
                        "best epoch %d, val loss %.6f, %d epochs%s; model: %s%n",
                        res.bestEpoch(),
                        res.bestValLoss(),
                        res.epochsRun(),
                        res.stoppedEarly() ? " (early stop)" : "",
                        res.bestSafetensors());
            } catch (java.io.IOException e) {
                if (init != null && e.getMessage() != null && e.getMessage().startsWith(init.toString()))
                    throw new IllegalArgumentException(e.getMessage(), e);
                throw e;
            }
            return 0;
        }
    }

    /** --order: the reference's split, a sequential one, or a file of (split, pair) rows. */
    static final class BatchOrder {
        private BatchOrder() {}

        static org.featmap.ml.train.DataSplit parse(String order, int pairs, TrainOptions o)
                throws java.io.IOException {
            if (order.equals("reference")) return null;
            if (order.equals("sequential")) {
                int k = Math.min(o.subsetSize(), pairs);
                int nTrain = (int) Math.floor((1 - o.valRatio()) * k);
                int[] train = java.util.stream.IntStream.range(0, nTrain).toArray();
                int[] val = java.util.stream.IntStream.range(nTrain, k).toArray();
                return new org.featmap.ml.train.DataSplit(train, val);
            }
            Path file = Path.of(order);
            if (!Files.isRegularFile(file))
                throw new IllegalArgumentException(
                        "--order '" + order + "': allowed reference, sequential or a CSV file of split,pair rows");
            List<Integer> train = new ArrayList<>(), val = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || (i == 0 && line.startsWith("split"))) continue;
                String[] f = line.split(",");
                try {
                    if (f.length != 2 || !(f[0].equals("train") || f[0].equals("val")))
                        throw new NumberFormatException();
                    int p = Integer.parseInt(f[1].strip());
                    if (p < 0 || p >= pairs)
                        throw new IllegalArgumentException(
                                file + ":" + (i + 1) + ": pair " + p + " is not one of the " + pairs + " pairs");
                    (f[0].equals("train") ? train : val).add(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            file + ":" + (i + 1) + ": expected 'train,<pair>' or 'val,<pair>', found '" + line + "'");
                }
            }
            return new org.featmap.ml.train.DataSplit(
                    train.stream().mapToInt(Integer::intValue).toArray(),
                    val.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The per-batch loss trace of --loss-trace. */
    static final class TraceWriter implements AutoCloseable {
        private final java.io.BufferedWriter w;

        TraceWriter(Path file) throws java.io.IOException {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            w = Files.newBufferedWriter(file);
            w.write("phase,epoch,batch,step,loss,lr\n");
        }

        void row(String phase, int epoch, long batch, long step, double loss, double lr) {
            try {
                w.write(phase + "," + epoch + "," + batch + "," + (step < 0 ? "" : step) + "," + loss + ","
                        + (Double.isNaN(lr) ? "" : lr) + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            w.close();
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description =
                    "Tests one cell (spec §7): feature metrics, and image metrics with --decoder or --featinv, as the test node.")
    static final class Test implements Callable<Integer> {
        @Option(
                names = "--model",
                required = true,
                description = "a trained model folder (train --out or its model/), or spatial_only")
        String model;

        @Option(
                names = "--features",
                required = true,
                description = "the test extract folder (node or extract --out) or one layer's test feature store")
        Path features;

        @Option(
                names = "--images",
                required = true,
                description = "the augmented_test images folder (or the manipulate folder holding it)")
        Path images;

        @Option(names = "--manipulation", required = true, description = "the manipulation the model maps")
        String manipulation;

        @Option(names = "--layer", required = true, description = "e.g. 3 or feat3")
        String layer;

        @Option(names = "--norm", description = "norm.json of the normstats node (normalised layers)")
        Path norm;

        @Option(names = "--decoder", description = "a decoder folder (reconstruct node output or its decoder/)")
        Path decoder;

        @Option(names = "--featinv", description = "a FeatInv export (python/export_featinv.py) instead of a decoder")
        Path featinv;

        @Option(
                names = "--backbone",
                defaultValue = "convnext",
                description = "the backbone's config name a FeatInv manifest must name (default: ${DEFAULT-VALUE})")
        String backbone;

        @Option(names = "--eval-backbone", description = "ConvNeXt export for the feat3 cosine image metrics")
        Path evalBackbone;

        @Option(names = "--lpips", description = "an export of python/export_lpips.py")
        Path lpips;

        @Option(
                names = "--mode",
                description = "the table's mode column (default: spatial_only_<manipulation> or mapped)")
        String mode;

        @Option(
                names = "--dataset",
                defaultValue = "dataset",
                description = "dataset name in the tables (default: ${DEFAULT-VALUE})")
        String dataset;

        @Option(
                names = "--subset-size",
                defaultValue = "100",
                description = "test ids evaluated (spec §7.1; default: ${DEFAULT-VALUE})")
        int subsetSize;

        @Option(
                names = "--batch-size",
                defaultValue = "16",
                description = "test pairs per batch, as config test.batch_size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu[:index]")
        String device;

        @Option(
                names = "--out",
                required = true,
                description =
                        "output folder: feature metrics, and with a reconstructor evaluation.csv, grid.png, recon/")
        Path out;

        @Override
        public Integer call() throws Exception {
            // the folder conventions of the other stage commands; the work is TestStage.run, as the test node's
            String l = ClassifyCommands.layer(layer);
            boolean spatial = model.equals("spatial_only");
            Path modelDir = spatial ? null : ClassifyCommands.orInside(Path.of(model), "model");
            Path store = ClassifyCommands.storeIn(features, l);
            Path dec = decoder == null ? null : ClassifyCommands.orInside(decoder, "decoder");
            String m = mode != null ? mode : spatial ? "spatial_only_" + manipulation : "mapped";
            TestOptions o = TestOptions.of(
                            m,
                            dataset,
                            l,
                            manipulation,
                            store,
                            ClassifyCommands.orInside(images, "augmented_test"),
                            Device.fromName(device),
                            out)
                    .withSubsetSize(subsetSize)
                    .withModel(modelDir, norm)
                    .withReconstructor(dec, featinv, backbone)
                    .withEvalModels(evalBackbone, lpips)
                    .withBatchSize(batchSize);
            TestResult r = TestStage.run(o, Progress.NONE);
            r.summary().forEach((k, v) -> System.out.println(k + ": " + v));
            System.out.println("results in " + out);
            return 0;
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = "Regenerates a sweep's report from what its store holds (the report node, recomputed).")
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", description = "the sweep's config (YAML)")
        Path config;

        @Option(names = "--store", description = "the store (default: the config's)")
        String store;

        @Override
        public Integer call() throws Exception {
            SweepConfig cfg = Resolve.absolute(ConfigLoader.load(config), store);
            if (cfg.sweep().store().startsWith("s3://"))
                throw new IllegalArgumentException(
                        "featmap report works on a local store; copy the sweep's nodes or run the sweep");
            ExperimentGraph g = Planner.plan(cfg, Fingerprints.of(cfg));
            Map<String, Node> byId = g.byId();
            Node rep = g.ofStage(Stage.REPORT).stream()
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(config + ": report is disabled in this config"));
            List<NodeTask.InputRef> ins = new ArrayList<>();
            for (Node.Input in : rep.inputs()) {
                Node d = byId.get(in.nodeId());
                ins.add(new NodeTask.InputRef(in.role(), d.id(), d.stage().id(), d.key()));
            }
            NodeTask t = new NodeTask(
                    cfg.sweep().name(),
                    null,
                    rep.id(),
                    "report",
                    rep.key(),
                    ContentKeys.canonicalJson(rep.params()),
                    ins,
                    cfg.sweep().store());
            try (LocalArtifactStore s =
                    new LocalArtifactStore(Path.of(cfg.sweep().store()))) {
                s.delete("report", rep.key());
                NodeResult r = NodeRunner.run(
                        t, ReportStages::report, s, s.root().resolve(".work"), Progress.NONE, Tracker.NONE, null);
                System.out.println(s.nodeDir("report", r.key()).resolve("index.html") + " ("
                        + r.summary().get("missing") + " results missing)");
            }
            return 0;
        }
    }
}
