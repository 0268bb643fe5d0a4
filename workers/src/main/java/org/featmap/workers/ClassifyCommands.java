package org.featmap.workers;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.featmap.activities.analysis.AnalysisStages;
import org.featmap.activities.classify.ClassifyStages;
import org.featmap.core.contract.Progress;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.analysis.LinearCell;
import org.featmap.ml.analysis.SvdMetrics;
import org.featmap.ml.classify.ClassifyCellOptions;
import org.featmap.ml.classify.ClassifyCellResult;
import org.featmap.ml.classify.ClassifyCellStage;
import org.featmap.ml.classify.FinetuneResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stage commands of classification (S6–S8) and the linear-map analyses (S10, S11): each calls, on plain paths, the
 * code its node calls: the adapter's plain-path run ({@link ClassifyStages}, {@link AnalysisStages}) or the ml stage
 * itself ({@link ClassifyCellStage}) where the command picks the device.
 * Folder options take either a node's output folder or the folder inside it, as {@code featmap test}.
 */
final class ClassifyCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifyCommands() {}

    /** dir/name when it exists (a node's output folder was given), else dir itself; a missing dir is refused. */
    static Path sub(Path dir, String name, String option) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + " " + dir + ": no such folder");
        return orInside(dir, name);
    }

    /** As {@link #sub} without refusing a missing dir (featmap test leaves that to the readers). */
    static Path orInside(Path dir, String name) {
        return Files.isDirectory(dir.resolve(name)) ? dir.resolve(name) : dir;
    }

    /** "3" → "feat3"; a layer name as it is. */
    static String layer(String l) {
        return l.matches("[0-9]") ? "feat" + l : l;
    }

    /** One layer's feature store: an extract node's folder (features/&lt;layer&gt;), an extract --out folder (&lt;layer&gt;), or the store. */
    static Path store(Path features, String layer) {
        if (!Files.isDirectory(features))
            throw new IllegalArgumentException("--features " + features + ": no such folder");
        return storeIn(features, layer);
    }

    /** As {@link #store} without refusing a missing folder (featmap test leaves that to the store reader). */
    static Path storeIn(Path features, String layer) {
        Path node = features.resolve("features").resolve(layer);
        if (Files.isDirectory(node)) return node;
        return Files.isDirectory(features.resolve(layer)) ? features.resolve(layer) : features;
    }

    /** A trained model folder (train --out, a train node's folder, or model/ itself) and its JSON sidecar. */
    record Model(Path dir, JsonNode sidecar) {
        static Model of(Path given) throws IOException {
            Path dir = sub(given, "model", "--model");
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> l = s.filter(p -> p.toString().endsWith(".safetensors"))
                        .sorted()
                        .toList();
                if (l.size() != 1)
                    throw new IllegalArgumentException(
                            "--model " + given + ": expected one trained model (.safetensors), found " + l.size());
                Path json = Path.of(l.get(0).toString().replace(".safetensors", ".json"));
                if (!Files.isRegularFile(json))
                    throw new IllegalArgumentException("--model " + given + ": no sidecar " + json.getFileName());
                return new Model(dir, JSON.readTree(json.toFile()));
            }
        }

        /** The option's value, else the sidecar's, else {@code fallback}. */
        String get(String option, String key, String fallback) {
            if (option != null) return option;
            JsonNode v = sidecar.get(key);
            return v == null || v.isNull() ? fallback : v.asText();
        }
    }

    @Command(
            name = "finetune",
            mixinStandardHelpOptions = true,
            description = "Fine-tunes the classifier head on the frozen backbone (spec §8.1), as the finetune node.")
    static final class Finetune implements Callable<Integer> {
        @Option(names = "--backbone", required = true, description = "the classifier's backbone export (manifest.json)")
        Path backbone;

        @Option(
                names = "--images",
                required = true,
                description = "a manipulate node/--out folder or its augmented_train")
        Path images;

        @Option(names = "--edits", description = "an edit node folder or its augmented_train (generative edits)")
        Path edits;

        @Option(names = "--out", required = true, description = "the head goes to OUT/head")
        Path out;

        @Option(names = "--epochs", defaultValue = "15", description = "epochs (spec §8.1; default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(
                names = "--batch-size",
                defaultValue = "128",
                description = "images per batch (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(
                names = "--lr",
                defaultValue = "1e-3",
                description = "base learning rate of the cosine schedule (default: ${DEFAULT-VALUE})")
        double lr;

        @Option(
                names = "--drop-rate",
                defaultValue = "0.3",
                description = "dropout before the head (default: ${DEFAULT-VALUE})")
        double dropRate;

        @Option(
                names = "--label-smoothing",
                defaultValue = "0.1",
                description = "label smoothing of the cross-entropy (default: ${DEFAULT-VALUE})")
        double labelSmoothing;

        @Option(names = "--no-augment", description = "no train-time augmentation (frozen features computed once)")
        boolean noAugment;

        @Option(
                names = "--seed",
                defaultValue = "42",
                description = "seed of the head initialisation and augmentation (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu[:index]")
        String device;

        @Override
        public Integer call() throws Exception {
            List<Path> roots = new ArrayList<>(List.of(sub(images, "augmented_train", "--images")));
            if (edits != null) roots.add(sub(edits, "augmented_train", "--edits"));
            Files.createDirectories(out);
            Path scratch = Files.createTempDirectory(out.toAbsolutePath(), ".finetune-");
            try {
                FinetuneResult r = ClassifyStages.finetune(new ClassifyStages.FinetuneRun(
                        backbone,
                        roots,
                        scratch,
                        out,
                        !noAugment,
                        epochs,
                        batchSize,
                        lr,
                        dropRate,
                        labelSmoothing,
                        seed,
                        Device.fromName(device),
                        Progress.NONE));
                for (FinetuneResult.EpochLog e : r.history())
                    System.out.printf(
                            "epoch %d: train %.4f val %.4f top1 %.3f top5 %.3f%n",
                            e.epoch(), e.trainLoss(), e.valLoss(), e.valTop1(), e.valTop5());
                System.out.printf(
                        "%d classes, %d train images, best epoch %d (val top-1 %.3f); head: %s%n",
                        r.classes().size(), r.trainImages(), r.bestEpoch(), r.bestValTop1(), out.resolve("head"));
            } finally {
                org.featmap.activities.store.LocalArtifactStore.deleteTree(scratch);
            }
            return 0;
        }
    }

    @Command(
            name = "classify",
            mixinStandardHelpOptions = true,
            description =
                    "Classifies one cell's orig / edit / mapped test features and computes the §8.3 metrics, as the classify node.")
    static final class Classify implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "a trained model folder (train --out or its model/)")
        Path model;

        @Option(
                names = "--features",
                required = true,
                description = "the test extract folder (node or extract --out) or one layer's store")
        Path features;

        @Option(names = "--classifier", required = true, description = "a finetune node/--out folder or its head/")
        Path classifier;

        @Option(names = "--backbone", required = true, description = "the classifier's backbone export")
        Path backbone;

        @Option(names = "--manipulation", description = "default: the model's")
        String manipulation;

        @Option(names = "--layer", description = "e.g. 3 or feat3 (default: the model's)")
        String layer;

        @Option(names = "--norm", description = "norm.json of the normstats node (normalised layers)")
        Path norm;

        @Option(
                names = "--mode",
                description = "the mapped set's name (default: <model> or <model>_<manipulation> for applied groups)")
        String mode;

        @Option(names = "--dataset", description = "default: the model's")
        String dataset;

        @Option(
                names = "--device",
                defaultValue = "cpu",
                description = "cpu or gpu[:index] (default: ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--out", required = true, description = "output folder: probabilities (Arrow) and metrics.csv")
        Path out;

        @Override
        public Integer call() throws Exception {
            Model m = Model.of(model);
            String l = layer(m.get(layer, "layer", null));
            String manip = m.get(manipulation, "manipulation", null);
            if (l == null || manip == null)
                throw new IllegalArgumentException(
                        "--layer and --manipulation are required (the model's sidecar has none)");
            String type = m.get(null, "model_type", "mapped");
            String md = mode != null
                    ? mode
                    : m.sidecar().path("apply_transform").asBoolean(false) ? type + "_" + manip : type;
            ClassifyCellOptions o = ClassifyCellOptions.of(
                            store(features, l),
                            m.dir(),
                            sub(classifier, "head", "--classifier"),
                            backbone,
                            l,
                            manip,
                            md,
                            Device.fromName(device),
                            out)
                    .withNorm(norm)
                    .withDataset(m.get(dataset, "dataset", "dataset"));
            ClassifyCellResult r = ClassifyCellStage.run(o);
            ClassificationMetrics.Row row = r.row();
            System.out.printf(
                    "%d pairs: top-1 orig %.4f, edit %.4f, mapped %.4f; agreement edit/mapped %.4f%n",
                    r.pairs(),
                    row.accOrigTop1(),
                    row.accEditTop1(),
                    row.accMappedTop1(),
                    row.top1AgreementEditMapped());
            System.out.println("results in " + out);
            return 0;
        }
    }

    @Command(
            name = "wxb",
            mixinStandardHelpOptions = true,
            description =
                    "Weight-vs-bias dominance of one linear cell on sampled test maps (spec §9.1), as the wxb node.")
    static final class Wxb implements Callable<Integer> {
        @Option(
                names = "--model",
                required = true,
                description = "a trained linear model folder (train --out or its model/)")
        Path model;

        @Option(
                names = "--features",
                required = true,
                description = "the test extract folder (node or extract --out) or one layer's store")
        Path features;

        @Option(names = "--manipulation", description = "default: the model's")
        String manipulation;

        @Option(names = "--layer", description = "default: the model's")
        String layer;

        @Option(names = "--norm", description = "norm.json of the normstats node (normalised layers)")
        Path norm;

        @Option(
                names = "--samples",
                defaultValue = "200",
                description = "test samples used (spec §9.1; default: ${DEFAULT-VALUE})")
        int samples;

        @Option(
                names = "--seed",
                defaultValue = "42",
                description = "seed of the sample choice (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--compat-double-bias", description = "the reference's W·x+2b (spec §11 B15)")
        boolean compat;

        @Option(names = "--dataset", description = "dataset name in the table (default: the model's)")
        String dataset;

        @Option(names = "--backbone-name", description = "the sample ids' backbone (default: the model's)")
        String backboneName;

        @Option(names = "--group", description = "group name in the table (default: the model's)")
        String group;

        @Option(names = "--out", required = true, description = "output folder: wxb_metrics.csv")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (samples < 1) throw new IllegalArgumentException("--samples " + samples + ", must be >= 1");
            Model m = Model.of(model);
            LinearCell cell = cell(m, dataset, backboneName, group, layer, manipulation);
            Map<String, Object> s = AnalysisStages.wxb(
                    cell, store(features, cell.layer()), norm, samples, seed, compat, out, Progress.NONE);
            s.forEach((k, v) -> System.out.println(k + ": " + v));
            System.out.println("results in " + out.resolve("wxb_metrics.csv"));
            return 0;
        }
    }

    @Command(
            name = "svd",
            mixinStandardHelpOptions = true,
            description = "Singular values of one linear cell's weight and the §9.3 metrics, as the svd node.")
    static final class Svd implements Callable<Integer> {
        @Option(
                names = "--model",
                required = true,
                description = "a trained linear model folder (train --out or its model/)")
        Path model;

        @Option(names = "--manipulation", description = "manipulation name in the table (default: the model's)")
        String manipulation;

        @Option(names = "--layer", description = "layer name in the table (default: the model's)")
        String layer;

        @Option(names = "--dataset", description = "dataset name in the table (default: the model's)")
        String dataset;

        @Option(names = "--backbone-name", description = "backbone name in the table (default: the model's)")
        String backboneName;

        @Option(names = "--group", description = "group name in the table (default: the model's)")
        String group;

        @Option(
                names = "--out",
                required = true,
                description = "output folder: svd_metrics.csv and singular_values.csv")
        Path out;

        @Override
        public Integer call() throws Exception {
            Model m = Model.of(model);
            SvdMetrics.Result r = AnalysisStages.svd(cell(m, dataset, backboneName, group, layer, manipulation), out);
            System.out.printf(
                    "rank %d, spectral norm %.6g, effective rank %.6g; results in %s%n",
                    r.rank(), r.spectralNorm(), r.effectiveRank(), out);
            return 0;
        }
    }

    static LinearCell cell(Model m, String dataset, String backbone, String group, String layer, String manip) {
        String l = m.get(layer, "layer", null);
        String mp = m.get(manip, "manipulation", null);
        if (l == null || mp == null)
            throw new IllegalArgumentException(
                    "--layer and --manipulation are required (the model's sidecar has none)");
        return new LinearCell(
                m.dir(),
                m.get(dataset, "dataset", "dataset"),
                m.get(backbone, "backbone", "backbone"),
                m.get(group, "group", "group"),
                layer(l),
                mp);
    }
}
