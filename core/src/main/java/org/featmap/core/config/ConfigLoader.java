package org.featmap.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.SweepConfig.*;
import org.featmap.core.stage.Stage;

/**
 * Reads a sweep YAML into a validated {@link SweepConfig}. Every problem is a {@link
 * ConfigException} naming file, line, key, value and what is allowed; unknown keys are errors.
 */
public final class ConfigLoader {
    /** The keys of {@code sweep.queues}: "default" and every declared stage. */
    private static final List<String> STAGES = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("default"),
                    java.util.Arrays.stream(Stage.values()).map(Stage::id))
            .toList();

    private ConfigLoader() {}

    public static SweepConfig load(Path file) {
        return load(file, EnvExpander.system());
    }

    public static SweepConfig load(Path file, EnvExpander env) {
        String text;
        try {
            if (Files.size(file) > 4L * 1024 * 1024)
                throw new ConfigException(
                        file.toString(), 0, "", "config is larger than 4 MiB; is this the right file?");
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, "", "no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException(file.toString(), 0, "", "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, env);
    }

    public static SweepConfig parse(String file, String text, EnvExpander env) {
        YamlTree root = YamlTree.parse(file, text, env);
        root.rejectUnknown(
                "sweep",
                "datasets",
                "images",
                "backbones",
                "features",
                "training",
                "test",
                "reconstruct",
                "classify",
                "analysis",
                "report",
                "tracking");
        Sweep sweep = sweep(root.get("sweep"));
        Images images = images(root.getOrNull("images"));
        List<Dataset> datasets = new ArrayList<>();
        Set<String> dsNames = new HashSet<>();
        for (YamlTree d : root.list("datasets")) {
            Dataset ds = dataset(d, images);
            if (!dsNames.add(ds.name())) throw d.get("name").error("dataset '" + ds.name() + "' is defined twice");
            datasets.add(ds);
        }
        if (datasets.isEmpty()) throw root.get("datasets").error("at least one dataset is required");
        List<Backbone> backbones = new ArrayList<>();
        Set<String> bbNames = new HashSet<>();
        for (YamlTree b : root.list("backbones")) {
            Backbone bb = backbone(b);
            if (!bbNames.add(bb.name())) throw b.get("name").error("backbone '" + bb.name() + "' is defined twice");
            backbones.add(bb);
        }
        if (backbones.isEmpty()) throw root.get("backbones").error("at least one backbone is required");
        Classify classify = classify(root.getOrNull("classify"), dsNames, bbNames);
        Analysis analysis = analysis(root.getOrNull("analysis"), dsNames);
        return new SweepConfig(
                file,
                sweep,
                datasets,
                images,
                backbones,
                features(root.getOrNull("features")),
                training(root.getOrNull("training")),
                test(root.getOrNull("test")),
                reconstruct(root.getOrNull("reconstruct")),
                classify,
                analysis,
                new Report(root.has("report") ? reportEnabled(root.get("report")) : true),
                tracking(root.getOrNull("tracking"), sweep));
    }

    private static Sweep sweep(YamlTree t) {
        t.rejectUnknown("name", "store", "max_in_flight", "queues", "heartbeat_seconds");
        Map<String, String> queues = new LinkedHashMap<>();
        queues.put("default", "featmap-cpu");
        // each stage's pool (Stage), in the order the resolved config always listed them: GPU stages, then the rest
        for (Stage s : Stage.values())
            if (s.pool() == Stage.Pool.GPU) queues.put(s.id(), s.pool().queue());
        for (Stage s : Stage.values())
            if (s.pool() != Stage.Pool.GPU && s.pool() != Stage.Pool.CPU)
                queues.put(s.id(), s.pool().queue());
        if (t.has("queues")) {
            YamlTree q = t.get("queues");
            q.rejectUnknown(STAGES.toArray(String[]::new));
            for (String s : STAGES) if (q.has(s)) queues.put(s, q.name(s));
        }
        String store = t.str("store", "./featmap-data");
        if (store.isBlank()) throw t.get("store").error("empty store; allowed: a folder path or s3://bucket/prefix");
        return new Sweep(t.name("name"), store, (int) t.integer("max_in_flight", 4, 1, 1000), queues, (int)
                t.integer("heartbeat_seconds", 60, 5, 3600));
    }

    private static Images images(YamlTree t) {
        if (t == null) return new Images(288, "jpg", Vocabulary.DIRECT_MANIPULATIONS, 0);
        t.rejectUnknown("target_size", "format", "manipulations", "workers");
        List<String> ms = t.strings("manipulations", Vocabulary.DIRECT_MANIPULATIONS);
        checkMembers(t, "manipulations", ms, Vocabulary.DIRECT_MANIPULATIONS);
        int size = (int) t.integer("target_size", 288, 32, 4096);
        // spec §2.6: the mask rectangles are fixed pixel coordinates of the 288 grid; a smaller image cannot hold them
        String widest = null;
        for (String m : ms)
            if (Vocabulary.MASK_EXTENT.containsKey(m)
                    && (widest == null || Vocabulary.MASK_EXTENT.get(m) > Vocabulary.MASK_EXTENT.get(widest)))
                widest = m;
        if (widest != null && size <= Vocabulary.MASK_EXTENT.get(widest)) {
            int min = Vocabulary.MASK_EXTENT.get(widest) + 1;
            throw t.get("target_size")
                    .error(size + " is too small for " + widest + " (it covers pixels up to " + (min - 1)
                            + ", spec §2.6); allowed with the configured masks: " + min
                            + "..4096, or leave the masks out of images.manipulations");
        }
        return new Images(size, t.choice("format", "jpg", List.of("jpg", "png"), s -> s), ms, (int)
                t.integer("workers", 0, 0, 256)); // 0: the worker's cores
    }

    private static void checkMembers(YamlTree parent, String key, List<String> values, List<String> allowed) {
        if (!parent.has(key)) return;
        List<YamlTree> items = parent.list(key);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!allowed.contains(values.get(i)))
                throw items.get(i).error("'" + values.get(i) + "' is not one of " + String.join(", ", allowed));
            if (!seen.add(values.get(i))) throw items.get(i).error("'" + values.get(i) + "' is listed twice");
        }
    }

    private static Dataset dataset(YamlTree t, Images images) {
        t.rejectUnknown("name", "root", "num_classes", "synthetic", "edits", "groups", "train_images", "test_images");
        String name = t.name("name");
        Synthetic synth = null;
        if (t.has("synthetic")) {
            YamlTree s = t.get("synthetic");
            s.rejectUnknown("classes", "per_class_train", "per_class_test", "seed", "width", "height");
            synth = new Synthetic(
                    (int) s.integer("classes", 2, 1000),
                    (int) s.integer("per_class_train", 1, 100_000),
                    (int) s.integer("per_class_test", 1, 100_000),
                    s.integer("seed", 0, 0, Long.MAX_VALUE),
                    (int) s.integer("width", 320, 16, 4096),
                    (int) s.integer("height", 300, 16, 4096));
        }
        String root = t.str("root", null);
        if (root == null && synth == null)
            throw t.error(
                    "dataset '" + name + "' needs 'root' (a folder with images/train and images/test) or 'synthetic'");
        Edits edits = edits(t.getOrNull("edits"));
        List<String> qwenNames = edits.prompts().stream().map(Prompt::shortName).toList();
        List<Group> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlTree g : t.list("groups")) {
            Group grp = group(g, images, qwenNames, edits.enabled());
            if (!names.add(grp.name()))
                throw g.get("name").error("group '" + grp.name() + "' is defined twice in dataset " + name);
            groups.add(grp);
        }
        int trainImages = synth != null
                ? synth.classes() * synth.perClassTrain()
                : (int) t.integer("train_images", 0, 0, 100_000_000);
        int testImages = synth != null
                ? synth.classes() * synth.perClassTest()
                : (int) t.integer("test_images", 0, 0, 100_000_000);
        return new Dataset(
                name,
                root,
                (int) t.integer("num_classes", -1, -1, 100_000),
                synth,
                edits,
                groups,
                trainImages,
                testImages);
    }

    private static Edits edits(YamlTree t) {
        if (t == null) return new Edits(false, "import", null, List.of(), 10, 5, 10, 4.5, 42, "HF_TOKEN");
        t.rejectUnknown(
                "enabled",
                "mode",
                "import_dir",
                "prompts",
                "images_per_class_train",
                "images_per_class_test",
                "steps",
                "true_cfg_scale",
                "seed",
                "hf_token_env");
        List<Prompt> prompts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (t.has("prompts"))
            for (YamlTree p : t.list("prompts")) {
                p.rejectUnknown("name", "text");
                Prompt pr = new Prompt(p.name("name"), p.str("text"));
                if (!seen.add(pr.shortName()))
                    throw p.get("name").error("prompt name '" + pr.shortName() + "' is used twice");
                prompts.add(pr);
            }
        String mode = t.choice("mode", "import", List.of("import", "generate"), s -> s);
        boolean enabled = t.bool("enabled", false);
        String importDir = t.str("import_dir", null);
        if (enabled && mode.equals("import") && importDir == null)
            throw t.error("edits in mode 'import' need 'import_dir' (a folder of precomputed edited images)");
        String tokenEnv = t.str("hf_token_env", "HF_TOKEN");
        if (!tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*"))
            throw t.get("hf_token_env")
                    .error("'" + tokenEnv
                            + "' is not an environment variable name (the token itself never goes in a config)");
        return new Edits(
                enabled,
                mode,
                importDir,
                prompts,
                (int) t.integer("images_per_class_train", 10, 1, 100_000),
                (int) t.integer("images_per_class_test", 5, 1, 100_000),
                (int) t.integer("steps", 10, 1, 1000),
                t.real("true_cfg_scale", 4.5, 0, 100),
                t.integer("seed", 42, 0, Long.MAX_VALUE),
                tokenEnv);
    }

    private static Group group(YamlTree t, Images images, List<String> qwenNames, boolean editsEnabled) {
        t.rejectUnknown("name", "source", "apply_transform", "models", "manipulations");
        String name = t.name("name");
        String source = t.choice(
                "source",
                name.startsWith("qwen") ? Vocabulary.QWEN_SOURCE : Vocabulary.DIRECT_SOURCE,
                Vocabulary.SOURCES,
                s -> s);
        List<String> models = t.strings("models", List.of());
        if (models.isEmpty()) throw t.error("group '" + name + "' needs at least one model in 'models'");
        checkMembers(t, "models", models, Vocabulary.MODEL_TYPES);
        List<String> manips = t.strings("manipulations", List.of());
        if (manips.isEmpty()) throw t.error("group '" + name + "' needs at least one entry in 'manipulations'");
        if (source.equals(Vocabulary.DIRECT_SOURCE)) {
            checkMembers(t, "manipulations", manips, images.manipulations());
        } else {
            if (!editsEnabled)
                throw (t.has("source") ? t.get("source") : t)
                        .error("source '" + source + "' needs the dataset's 'edits' enabled");
            checkMembers(t, "manipulations", manips, qwenNames);
        }
        return new Group(name, source, t.bool("apply_transform", false), models, manips);
    }

    private static Backbone backbone(YamlTree t) {
        t.rejectUnknown("name", "export", "layers", "normalize");
        String name = t.name("name");
        List<String> layers = t.strings("layers", List.of());
        if (layers.isEmpty())
            throw t.error("backbone '" + name + "' needs at least one layer in 'layers' (feat0, feat1, ...)");
        List<YamlTree> items = t.list("layers");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).matches("feat[0-9]"))
                throw items.get(i).error("'" + layers.get(i) + "' is not a layer name; allowed: feat0 .. feat9");
            if (!seen.add(layers.get(i))) throw items.get(i).error("'" + layers.get(i) + "' is listed twice");
        }
        List<String> norm = t.strings("normalize", List.of());
        checkMembers(t, "normalize", norm, layers);
        return new Backbone(name, t.str("export"), layers, norm);
    }

    private static Features features(YamlTree t) {
        if (t == null) return new Features("float32", "none", 1024, 16);
        t.rejectUnknown("dtype", "compression", "shard_rows", "batch_size");
        return new Features(
                t.choice("dtype", "float32", List.of("float32", "float16"), s -> s),
                t.choice("compression", "none", List.of("none", "zstd", "lz4"), s -> s),
                (int) t.integer("shard_rows", 1024, 1, 1_000_000),
                (int) t.integer("batch_size", 16, 1, 4096));
    }

    private static Training training(YamlTree t) {
        YamlTree r = t != null ? t : YamlTree.parse("<defaults>", "{}", new EnvExpander(Map.of()));
        r.rejectUnknown(
                "loss",
                "learning_rate",
                "weight_decay",
                "batch_size",
                "accumulate_grad_batches",
                "train_subset_size",
                "val_ratio",
                "max_epochs",
                "early_stop_patience",
                "early_stop_min_delta",
                "plateau_factor",
                "plateau_patience",
                "min_lr",
                "checkpoint_every",
                "seed");
        String loss = r.choice("loss", "COMBINED", Vocabulary.LOSSES, s -> s);
        if (loss.equals("COSSIM")) loss = "COS_SIM"; // spec §11 B11: both spellings mean the cosine-only loss
        int batch = (int) r.integer("batch_size", 32, 1, 65536);
        int subset = (int) r.integer("train_subset_size", 8000, 2, 100_000_000);
        double valRatio = r.real("val_ratio", 0.05, 1e-6, 0.9);
        int maxTrain =
                (int) Math.floor((1 - valRatio) * subset); // spec §6.2 n_train, at most; drop_last needs one full batch
        if (maxTrain < batch)
            throw (r.has("batch_size") ? r.get("batch_size") : r)
                    .error(batch + " is larger than the at most " + maxTrain + " training pairs that train_subset_size "
                            + subset + " and val_ratio " + valRatio + " leave (spec §6.2); allowed: 1.." + maxTrain);
        return new Training(
                loss,
                r.real("learning_rate", 1e-4, 1e-12, 10),
                r.real("weight_decay", 1e-4, 0, 10),
                batch,
                (int) r.integer("accumulate_grad_batches", 2, 1, 1024),
                subset,
                valRatio,
                (int) r.integer("max_epochs", 100, 1, 100_000),
                (int) r.integer("early_stop_patience", 6, 1, 100_000),
                r.real("early_stop_min_delta", 1e-3, 0, 1e6),
                r.real("plateau_factor", 0.5, 1e-6, 0.999999),
                (int) r.integer("plateau_patience", 8, 0, 100_000),
                r.real("min_lr", 1e-6, 0, 10),
                (int) r.integer("checkpoint_every", 2, 1, 100_000),
                r.integer("seed", 42, 0, Long.MAX_VALUE));
    }

    private static Test test(YamlTree t) {
        if (t == null) return new Test(true, 100, 64, "decoder", null, true, null);
        t.rejectUnknown(
                "enabled",
                "subset_size",
                "batch_size",
                "reconstructor",
                "featinv_export",
                "spatial_only",
                "lpips_export");
        String rec = t.choice("reconstructor", "decoder", List.of("none", "decoder", "featinv"), s -> s);
        String fe = t.str("featinv_export", null);
        if (rec.equals("featinv") && fe == null)
            throw t.get("reconstructor")
                    .error(
                            "reconstructor 'featinv' needs 'featinv_export' (a folder made by python/export_featinv.py)");
        return new Test(
                t.bool("enabled", true),
                (int) t.integer("subset_size", 100, 1, 1_000_000),
                (int) t.integer("batch_size", 64, 1, 65536),
                rec,
                fe,
                t.bool("spatial_only", true),
                t.str("lpips_export", null)); // lpips_export: a folder made by python/export_lpips.py (spec §7.3 LPIPS)
    }

    private static Reconstruct reconstruct(YamlTree t) {
        if (t == null) return new Reconstruct(20, 16, 1e-3, 64);
        t.rejectUnknown("epochs", "batch_size", "learning_rate", "image_size");
        return new Reconstruct(
                (int) t.integer("epochs", 20, 1, 100_000),
                (int) t.integer("batch_size", 16, 1, 4096),
                t.real("learning_rate", 1e-3, 1e-12, 10),
                (int) t.integer("image_size", 64, 8, 1024));
    }

    private static Classify classify(YamlTree t, Set<String> datasets, Set<String> backbones) {
        if (t == null) return new Classify(false, List.of(), "convnext", 15, 1e-3, 128, 0.3, 0.1, true);
        t.rejectUnknown(
                "enabled",
                "datasets",
                "backbone",
                "epochs",
                "learning_rate",
                "batch_size",
                "drop_rate",
                "label_smoothing",
                "augmented");
        List<String> ds = t.strings("datasets", List.of());
        checkMembers(t, "datasets", ds, List.copyOf(datasets));
        String bb = t.str("backbone", "convnext");
        if (t.bool("enabled", false) && !backbones.contains(bb))
            throw t.get("backbone").error("'" + bb + "' is not one of the backbones " + String.join(", ", backbones));
        return new Classify(
                t.bool("enabled", false),
                ds,
                bb,
                (int) t.integer("epochs", 15, 1, 100_000),
                t.real("learning_rate", 1e-3, 1e-12, 10),
                (int) t.integer("batch_size", 128, 1, 65536),
                t.real("drop_rate", 0.3, 0, 0.99),
                t.real("label_smoothing", 0.1, 0, 0.99),
                t.bool("augmented", true));
    }

    private static Analysis analysis(YamlTree t, Set<String> datasets) {
        if (t == null) return new Analysis(false, List.of(), 200, false, false, List.of());
        t.rejectUnknown("wxb", "wxb_datasets", "wxb_samples", "wxb_compat_double_bias", "svd", "svd_datasets");
        List<String> w = t.strings("wxb_datasets", List.of());
        checkMembers(t, "wxb_datasets", w, List.copyOf(datasets));
        List<String> s = t.strings("svd_datasets", List.of());
        checkMembers(t, "svd_datasets", s, List.copyOf(datasets));
        return new Analysis(
                t.bool("wxb", false),
                w,
                (int) t.integer("wxb_samples", 200, 1, 1_000_000),
                t.bool("wxb_compat_double_bias", false),
                t.bool("svd", false),
                s);
    }

    private static boolean reportEnabled(YamlTree t) {
        t.rejectUnknown("enabled");
        return t.bool("enabled", true);
    }

    private static Tracking tracking(YamlTree t, Sweep sweep) {
        if (t == null) return new Tracking(null, sweep.name());
        t.rejectUnknown("mlflow", "experiment");
        String uri = t.str("mlflow", null);
        if (uri != null && uri.isBlank()) uri = null;
        if (uri != null && !uri.matches("https?://[^\\s@]+"))
            throw t.get("mlflow")
                    .error("'" + uri
                            + "' is not an http(s) URL without credentials; tokens go in MLFLOW_TRACKING_TOKEN");
        return new Tracking(uri, t.str("experiment", sweep.name()));
    }
}
