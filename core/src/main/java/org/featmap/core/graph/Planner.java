package org.featmap.core.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.config.SweepConfig.*;
import org.featmap.core.config.Vocabulary;
import org.featmap.core.stage.Stage;

/**
 * Config → experiment graph (spec §0, §10). Pure and deterministic: the same config and
 * fingerprints give the same nodes, ids and keys, so the workflow can plan inside replay.
 *
 * <p>Fingerprints name what the config only points to (a backbone export's manifest sha256, a
 * dataset folder's listing hash); the caller computes them, so that new weights change the keys
 * without the planner doing I/O.
 */
public final class Planner {
    private final SweepConfig cfg;
    private final Map<String, String> fingerprints;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byId = new HashMap<>();
    // what one stage's nodes hand to another's while the plan is built
    private final Map<String, Node> manipulated = new HashMap<>(); // by dataset/split
    private final Map<String, Node> edited = new HashMap<>(); // by dataset/split
    private final Map<String, Node> finetunes = new HashMap<>(); // by dataset
    private final List<Node.Input> reportInputs = new ArrayList<>();

    private Planner(SweepConfig cfg, Map<String, String> fingerprints) {
        this.cfg = cfg;
        this.fingerprints = Map.copyOf(fingerprints);
    }

    public static ExperimentGraph plan(SweepConfig cfg, Map<String, String> fingerprints) {
        Planner p = new Planner(cfg, fingerprints);
        p.build();
        return new ExperimentGraph(p.nodes);
    }

    public static ExperimentGraph plan(SweepConfig cfg) {
        return plan(cfg, Map.of());
    }

    private Node add(Stage stage, String id, Map<String, Object> params, List<Node.Input> inputs, String cell) {
        if (byId.containsKey(id)) return byId.get(id);
        List<Map.Entry<String, String>> roleKeys = new ArrayList<>();
        for (Node.Input in : inputs) {
            Node dep = byId.get(in.nodeId());
            if (dep == null)
                throw new IllegalStateException("planner bug: " + id + " reads unknown node " + in.nodeId());
            roleKeys.add(Map.entry(in.role(), dep.key()));
        }
        Node n = new Node(id, stage, ContentKeys.key(stage, params, roleKeys), new TreeMap<>(params), inputs, cell);
        nodes.add(n);
        byId.put(id, n);
        return n;
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static Node.Input in(String role, Node n) {
        return new Node.Input(role, n.id());
    }

    /** Nodes in the order the graph lists them: images of every dataset, then per dataset its classifier and cells. */
    private void build() {
        for (Dataset ds : cfg.datasets()) images(ds);
        for (Dataset ds : cfg.datasets()) {
            finetune(ds);
            for (Backbone bb : cfg.backbones()) {
                Map<String, Node> extracted = extract(ds, bb);
                for (String layer : bb.layers()) layer(ds, bb, layer, extracted);
            }
        }
        report();
    }

    // ---- shared nodes ----

    /** A dataset's images: its synthetic source (if any), then per split the manipulations and the edits. */
    private void images(Dataset ds) {
        Node synth = synth(ds);
        List<Node.Input> ins = synth == null ? List.of() : List.of(in("dataset", synth));
        for (String split : Vocabulary.SPLITS) {
            manipulated.put(ds.name() + "/" + split, manipulate(ds, split, synth, ins));
            if (ds.edits().enabled()) edited.put(ds.name() + "/" + split, edit(ds, split, synth, ins));
        }
    }

    private Node synth(Dataset ds) {
        Synthetic s = ds.synthetic();
        if (s == null) return null;
        return add(
                Stage.SYNTH,
                "synth/" + ds.name(),
                params(
                        "dataset",
                        ds.name(),
                        "classes",
                        s.classes(),
                        "per_class_train",
                        s.perClassTrain(),
                        "per_class_test",
                        s.perClassTest(),
                        "seed",
                        s.seed(),
                        "width",
                        s.width(),
                        "height",
                        s.height()),
                List.of(),
                null);
    }

    private Node manipulate(Dataset ds, String split, Node synth, List<Node.Input> ins) {
        Images im = cfg.images();
        return add(
                Stage.MANIPULATE,
                "manipulate/" + ds.name() + "/" + split,
                params(
                        "dataset",
                        ds.name(),
                        "split",
                        split,
                        "root",
                        synth == null ? ds.root() : null,
                        "root_fingerprint",
                        fingerprints.get("dataset:" + ds.name()),
                        "num_classes",
                        ds.numClasses(),
                        "target_size",
                        im.targetSize(),
                        "format",
                        im.format(),
                        "manipulations",
                        im.manipulations(),
                        "workers",
                        im.workers()), // execution param: not in the key (Stage.executionParams)
                ins,
                null);
    }

    private Node edit(Dataset ds, String split, Node synth, List<Node.Input> ins) {
        Images im = cfg.images();
        Edits e = ds.edits();
        return add(
                Stage.EDIT,
                "edit/" + ds.name() + "/" + split,
                params(
                        "dataset",
                        ds.name(),
                        "split",
                        split,
                        "mode",
                        e.mode(),
                        "import_dir",
                        e.importDir(),
                        "import_fingerprint",
                        fingerprints.get("edits:" + ds.name()),
                        "prompts",
                        promptList(e),
                        "images_per_class",
                        split.equals("train") ? e.imagesPerClassTrain() : e.imagesPerClassTest(),
                        "steps",
                        e.steps(),
                        "true_cfg_scale",
                        e.trueCfgScale(),
                        "seed",
                        e.seed(),
                        "format",
                        im.format(),
                        "hf_token_env",
                        e.hfTokenEnv(),
                        "root",
                        synth == null ? ds.root() : null,
                        "num_classes",
                        ds.numClasses(),
                        "target_size",
                        im.targetSize()),
                ins,
                null);
    }

    /** The classifier fine-tuned on a dataset's training images (spec §8.1), where classification is asked for. */
    private void finetune(Dataset ds) {
        if (!cfg.classify().enabled() || !cfg.classify().datasets().contains(ds.name())) return;
        Classify c = cfg.classify();
        List<Node.Input> ins = new ArrayList<>(List.of(in("images", manipulated.get(ds.name() + "/train"))));
        if (c.augmented() && edited.containsKey(ds.name() + "/train"))
            ins.add(in("edits", edited.get(ds.name() + "/train")));
        Backbone bb = backbone(c.backbone());
        Node ft = add(
                Stage.FINETUNE,
                "finetune/" + ds.name() + "/" + bb.name(),
                params(
                        "dataset",
                        ds.name(),
                        "backbone",
                        bb.name(),
                        "export",
                        bb.export(),
                        "export_fingerprint",
                        fingerprints.get("backbone:" + bb.name()),
                        "epochs",
                        c.epochs(),
                        "learning_rate",
                        c.learningRate(),
                        "batch_size",
                        c.batchSize(),
                        "drop_rate",
                        c.dropRate(),
                        "label_smoothing",
                        c.labelSmoothing(),
                        "augmented",
                        c.augmented(),
                        "seed",
                        42),
                ins,
                null);
        finetunes.put(ds.name(), ft);
    }

    /** One extraction per (image source, split) of a dataset through a backbone, by {@code split/source}. */
    private Map<String, Node> extract(Dataset ds, Backbone bb) {
        Features f = cfg.features();
        Map<String, Node> extracted = new HashMap<>();
        for (String source : sources(ds))
            for (String split : Vocabulary.SPLITS) {
                Node x = add(
                        Stage.EXTRACT,
                        "extract/" + bb.name() + "/" + ds.name() + "/" + split + "/" + source,
                        params(
                                "dataset",
                                ds.name(),
                                "split",
                                split,
                                "source",
                                source,
                                "backbone",
                                bb.name(),
                                "export",
                                bb.export(),
                                "export_fingerprint",
                                fingerprints.get("backbone:" + bb.name()),
                                "layers",
                                bb.layers(),
                                "dtype",
                                f.dtype(),
                                "compression",
                                f.compression(),
                                "shard_rows",
                                f.shardRows(),
                                "batch_size",
                                f.batchSize()), // batch_size: execution param, not in the key
                        List.of(in("images", sourceImages(ds, split, source))),
                        null);
                extracted.put(split + "/" + source, x);
            }
        return extracted;
    }

    /** The shared nodes of one (dataset, backbone, layer), then its cells group by group, manipulation by manipulation. */
    private void layer(Dataset ds, Backbone bb, String layer, Map<String, Node> extracted) {
        boolean normalized = bb.normalize().contains(layer);
        Map<String, Node> norms = normalized ? normstats(ds, bb, layer, extracted) : Map.of();
        Node decoder = reconstruct(ds, bb, layer, extracted);
        FeatInv featinv = featinv(bb, layer);
        for (Group g : ds.groups())
            for (String manip : g.manipulations()) {
                Map<String, Object> cellParams = params(
                        "dataset",
                        ds.name(),
                        "group",
                        g.name(),
                        "source",
                        g.source(),
                        "backbone",
                        bb.name(),
                        "layer",
                        layer,
                        "manipulation",
                        manip,
                        "apply_transform",
                        g.applyTransform(),
                        "normalized",
                        normalized);
                Slot s = new Slot(
                        ds,
                        bb,
                        ds.name() + "/" + g.name() + "/" + bb.name() + "/" + layer + "/" + manip,
                        cellParams,
                        extracted.get("train/" + g.source()),
                        extracted.get("test/" + g.source()),
                        sourceImages(ds, "test", g.source()),
                        norms.get(g.source()),
                        decoder,
                        featinv);
                cells(s, g);
            }
    }

    /** Per image source, the normalisation statistics of a layer's training features (spec §4.2). */
    private Map<String, Node> normstats(Dataset ds, Backbone bb, String layer, Map<String, Node> extracted) {
        Map<String, Node> norms = new HashMap<>();
        for (String source : sources(ds))
            norms.put(
                    source,
                    add(
                            Stage.NORMSTATS,
                            "normstats/" + bb.name() + "/" + ds.name() + "/" + source + "/" + layer,
                            params(
                                    "dataset",
                                    ds.name(),
                                    "backbone",
                                    bb.name(),
                                    "source",
                                    source,
                                    "layer",
                                    layer,
                                    "samples",
                                    200,
                                    "seed",
                                    42,
                                    "kind",
                                    Vocabulary.RESIZED),
                            List.of(in("features", extracted.get("train/" + source))),
                            null));
        return norms;
    }

    /** The decoder trained to invert a layer's features (spec §7.2), when the test reconstructs with one; else null. */
    private Node reconstruct(Dataset ds, Backbone bb, String layer, Map<String, Node> extracted) {
        Test test = cfg.test();
        if (!test.enabled() || !test.reconstructor().equals("decoder")) return null;
        Reconstruct r = cfg.reconstruct();
        return add(
                Stage.RECONSTRUCT,
                "reconstruct/" + ds.name() + "/" + bb.name() + "/" + layer,
                params(
                        "dataset",
                        ds.name(),
                        "backbone",
                        bb.name(),
                        "layer",
                        layer,
                        "epochs",
                        r.epochs(),
                        "batch_size",
                        r.batchSize(),
                        "learning_rate",
                        r.learningRate(),
                        "image_size",
                        r.imageSize(),
                        "seed",
                        42),
                List.of(
                        in("features", extracted.get("train/direct")),
                        in("images", manipulated.get(ds.name() + "/train"))),
                null);
    }

    /**
     * FeatInv (spec §7.4) inverts ConvNeXt feat3, the only public checkpoint; the export's manifest is checked against
     * the layer at run time. Other layers run without image metrics (a note says why): {@link FeatInv#NONE}.
     */
    private FeatInv featinv(Backbone bb, String layer) {
        Test test = cfg.test();
        boolean inverts = test.enabled()
                && test.reconstructor().equals("featinv")
                && family(bb).equals(featinvFamily())
                && layer.equals(featinvLayer());
        String export = inverts ? test.featinvExport() : null;
        if (export == null) return FeatInv.NONE;
        // the family is what the test checks the export against
        return new FeatInv(export, fingerprints.get("featinv"), family(bb));
    }

    // ---- the nodes of a cell (a train node and what reads it) ----

    /** One (group, manipulation)'s spatial-only test and its cells, one per mapping model. */
    private void cells(Slot s, Group g) {
        Test test = cfg.test();
        if (test.enabled() && test.spatialOnly() && g.applyTransform()) {
            String id = "test/" + s.path() + "/spatial_only";
            test(s, id, "spatial_only", null, id);
        }
        for (String model : g.models()) {
            String cell = "train/" + s.path() + "/" + model;
            Node train = train(s, cell, model);
            String below = cell.substring("train".length());
            if (test.enabled()) test(s, "test" + below, model, train, cell);
            classify(s, "classify" + below, model, train, cell);
            if (model.equals("linear")) {
                wxb(s, "wxb" + below, model, train, cell);
                svd(s, "svd" + below, model, train, cell);
            }
        }
    }

    private Node train(Slot s, String cell, String model) {
        List<Node.Input> ins = new ArrayList<>(List.of(in("features", s.trainFeatures())));
        if (s.norm() != null) ins.add(in("norm", s.norm()));
        Training tr = cfg.training();
        Node train = add(Stage.TRAIN, cell, with(s.params(), "model", model, "training", tr), ins, cell);
        reportInputs.add(in("train", train));
        return train;
    }

    /**
     * A test node (spec §7): of a trained model, or with {@code train} null the spatial-only baseline (the
     * manipulation's own transform, no model, no normalisation); then the classification of its reconstructions.
     */
    private void test(Slot s, String id, String model, Node train, String cell) {
        Test test = cfg.test();
        List<Node.Input> ins = new ArrayList<>();
        if (train != null) ins.add(in("model", train));
        ins.add(in("features", s.testFeatures()));
        ins.add(in("images", s.testImages()));
        if (train != null && s.norm() != null) ins.add(in("norm", s.norm()));
        if (s.decoder() != null) ins.add(in("reconstructor", s.decoder()));
        Node t = add(
                Stage.TEST,
                id,
                with(
                        with(
                                s.params(),
                                "model",
                                model,
                                "subset_size",
                                test.subsetSize(),
                                "reconstructor",
                                test.reconstructor(),
                                "featinv_export",
                                s.featinv().export(),
                                "featinv_fingerprint",
                                s.featinv().fingerprint(),
                                "backbone_family",
                                s.featinv().family(),
                                "batch_size",
                                test.batchSize()),
                        evalParams()),
                ins,
                cell);
        reportInputs.add(in("test", t));
        classifyRecon(t, finetunes.get(s.ds().name()), s.testImages(), s.params(), model, cell);
    }

    /** The classification of mapped features (spec §8.2), for the classifier's backbone where one is fine-tuned. */
    private void classify(Slot s, String id, String model, Node train, String cell) {
        Node ft = finetunes.get(s.ds().name());
        if (ft == null || !s.bb().name().equals(cfg.classify().backbone())) return;
        List<Node.Input> ins =
                new ArrayList<>(List.of(in("model", train), in("classifier", ft), in("features", s.testFeatures())));
        if (s.norm() != null) ins.add(in("norm", s.norm()));
        Node c = add(Stage.CLASSIFY, id, with(s.params(), "model", model, "export", s.bb().export()), ins, cell);
        reportInputs.add(in("classify", c));
    }

    /** The W·x / bias analysis of a linear model (spec §9.1), on the datasets the analysis names. */
    private void wxb(Slot s, String id, String model, Node train, String cell) {
        Analysis a = cfg.analysis();
        Dataset ds = s.ds();
        if (!(a.wxb() && a.wxbDatasets().contains(ds.name()))) return;
        List<Node.Input> ins = new ArrayList<>(List.of(in("model", train), in("features", s.testFeatures())));
        if (s.norm() != null) ins.add(in("norm", s.norm()));
        Node w = add(
                Stage.WXB,
                id,
                with(
                        s.params(),
                        "model",
                        model,
                        "samples",
                        a.wxbSamples(),
                        "compat_double_bias",
                        a.wxbCompatDoubleBias(),
                        "seed",
                        42),
                ins,
                cell);
        reportInputs.add(in("wxb", w));
    }

    /** The SVD of a linear model's weight (spec §9.2), on the datasets the analysis names. */
    private void svd(Slot s, String id, String model, Node train, String cell) {
        Analysis a = cfg.analysis();
        Dataset ds = s.ds();
        if (!(a.svd() && a.svdDatasets().contains(ds.name()))) return;
        Node n = add(Stage.SVD, id, with(s.params(), "model", model), List.of(in("model", train)), cell);
        reportInputs.add(in("svd", n));
    }

    /** The report, soft-reading every result node and (issue #16) the edit imports, which list the files they refused. */
    private void report() {
        for (Node ed : edited.values()) reportInputs.add(in("edit", ed));
        if (cfg.report().enabled())
            add(
                    Stage.REPORT,
                    "report/" + cfg.sweep().name(),
                    params("sweep", cfg.sweep().name()),
                    reportInputs,
                    null);
    }

    // ---- lookups ----

    /** A dataset's image sources (direct, edits) in the order its groups name them. */
    private static Set<String> sources(Dataset ds) {
        Set<String> sources = new LinkedHashSet<>();
        for (Group g : ds.groups()) sources.add(g.source());
        return sources;
    }

    /** The images node of a dataset's split from a source: the manipulations (direct) or the edits. */
    private Node sourceImages(Dataset ds, String split, String source) {
        return source.equals(Vocabulary.DIRECT_SOURCE)
                ? manipulated.get(ds.name() + "/" + split)
                : edited.get(ds.name() + "/" + split);
    }

    /** What the test of a layer passes to FeatInv: the export, its fingerprint and the family it is checked against. */
    private record FeatInv(String export, String fingerprint, String family) {
        static final FeatInv NONE = new FeatInv(null, null, null);
    }

    /**
     * What the cells of one (dataset, group, backbone, layer, manipulation) share: the id path below the stage, the
     * cell params and the nodes they read ({@code norm} and {@code decoder} null where there are none).
     */
    private record Slot(
            Dataset ds,
            Backbone bb,
            String path,
            Map<String, Object> params,
            Node trainFeatures,
            Node testFeatures,
            Node testImages,
            Node norm,
            Node decoder,
            FeatInv featinv) {}

    /**
     * The §8.4 classification of a test node's decoder reconstructions (and of the manipulated images)
     * with the fine-tuned classifier, planned where both exist: a test node with a reconstructor and a
     * finetune node for the dataset. Its own node (not part of classify or test) so that a new classifier
     * does not redo the reconstructions and a new reconstruction does not redo the feature classification.
     * Deviation from §8.4 (named): the reference classifies only ConvNeXt-feat3 FeatInv reconstructions;
     * here every backbone's decoder reconstructions are classified, since the classifier sees images.
     */
    private void classifyRecon(
            Node test, Node finetune, Node testImages, Map<String, Object> cellParams, String model, String cell) {
        boolean reconstructs = test.inputs().stream().anyMatch(i -> i.role().equals("reconstructor"))
                || test.params().get("featinv_export") != null;
        if (finetune == null || !reconstructs) return;
        Backbone cb = backbone(cfg.classify().backbone());
        Node n = add(
                Stage.CLASSIFY_RECON,
                "classify_recon" + test.id().substring("test".length()),
                with(
                        cellParams,
                        "model",
                        model,
                        "classifier_backbone",
                        cb.name(),
                        "export",
                        cb.export(),
                        "batch_size",
                        32),
                List.of(in("test", test), in("classifier", finetune), in("images", testImages)),
                cell);
        reportInputs.add(in("classify_recon", n));
    }

    /**
     * Test-node params of the image metrics (spec §7.3): the ConvNeXt export whose feat3 gives the two
     * cosine metrics (the first configured backbone of family convnext; none → those metrics are skipped with a
     * note) and the optional LPIPS export, each with its fingerprint so new weights change the keys.
     */
    private Map<String, Object> evalParams() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Backbone b : cfg.backbones())
            if (family(b).equals(CONVNEXT) && !m.containsKey("eval_backbone")) {
                m.put("eval_backbone", b.export());
                String fp = fingerprints.get("backbone:" + b.name());
                if (fp != null) m.put("eval_backbone_fingerprint", fp);
            }
        String lp = cfg.test().lpipsExport();
        if (lp != null) {
            m.put("lpips_export", lp);
            String fp = fingerprints.get("lpips");
            if (fp != null) m.put("lpips_fingerprint", fp);
        }
        return m;
    }

    static final String CONVNEXT = "convnext";

    /**
     * A backbone's family as its export's manifest names it (the client puts {@code family:<name>} beside the
     * fingerprints, issue #17 item 4), so a backbone named {@code convnext_base} keeps FeatInv and the cosine metrics.
     * Plans made before that (replayed histories) have no such entry: their backbones were recognised by name, as here.
     */
    String family(Backbone b) {
        return family(b, fingerprints);
    }

    /** {@link #family(Backbone)} from a plan's fingerprints, for what sizes or describes a plan beside the planner. */
    public static String family(Backbone b, Map<String, String> fingerprints) {
        return fingerprints.getOrDefault("family:" + b.name(), b.name());
    }

    /** The family whose layer the FeatInv export inverts (its manifest's backbone; spec §7.4: ConvNeXt). */
    private String featinvFamily() {
        return fingerprints.getOrDefault("featinv:backbone", CONVNEXT);
    }

    /** The layer the FeatInv export inverts (its manifest's feature key; spec §7.4: feat3). */
    private String featinvLayer() {
        return fingerprints.getOrDefault("featinv:layer", "feat3");
    }

    private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(extra);
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(params(kv));
        return m;
    }

    private static List<Map<String, String>> promptList(Edits e) {
        List<Map<String, String>> l = new ArrayList<>();
        for (Prompt p : e.prompts()) l.add(Map.of("name", p.shortName(), "text", p.text()));
        return l;
    }

    private Backbone backbone(String name) {
        for (Backbone b : cfg.backbones()) if (b.name().equals(name)) return b;
        throw new IllegalArgumentException("no backbone " + name);
    }
}
