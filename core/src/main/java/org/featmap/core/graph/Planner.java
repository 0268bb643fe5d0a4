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

    private void build() {
        Images im = cfg.images();
        Map<String, Node> manipulated = new HashMap<>();
        Map<String, Node> edited = new HashMap<>();
        for (Dataset ds : cfg.datasets()) {
            Node synth = null;
            if (ds.synthetic() != null) {
                Synthetic s = ds.synthetic();
                synth = add(
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
            for (String split : Vocabulary.SPLITS) {
                List<Node.Input> ins = synth == null ? List.of() : List.of(in("dataset", synth));
                Node m = add(
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
                manipulated.put(ds.name() + "/" + split, m);
                if (ds.edits().enabled()) {
                    Edits e = ds.edits();
                    Node ed = add(
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
                    edited.put(ds.name() + "/" + split, ed);
                }
            }
        }

        Features f = cfg.features();
        Training tr = cfg.training();
        Test test = cfg.test();
        List<Node.Input> reportInputs = new ArrayList<>();
        Map<String, Node> finetunes = new HashMap<>();
        for (Dataset ds : cfg.datasets()) {
            Set<String> sources = new LinkedHashSet<>();
            for (Group g : ds.groups()) sources.add(g.source());
            if (cfg.classify().enabled() && cfg.classify().datasets().contains(ds.name())) {
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
            for (Backbone bb : cfg.backbones()) {
                Map<String, Node> extracted = new HashMap<>();
                for (String source : sources)
                    for (String split : Vocabulary.SPLITS) {
                        Node imgs = source.equals(Vocabulary.DIRECT_SOURCE)
                                ? manipulated.get(ds.name() + "/" + split)
                                : edited.get(ds.name() + "/" + split);
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
                                List.of(in("images", imgs)),
                                null);
                        extracted.put(split + "/" + source, x);
                    }
                for (String layer : bb.layers()) {
                    boolean normalized = bb.normalize().contains(layer);
                    Map<String, Node> norms = new HashMap<>();
                    if (normalized)
                        for (String source : sources)
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
                    Node decoder = null;
                    if (test.enabled() && test.reconstructor().equals("decoder")) {
                        Reconstruct r = cfg.reconstruct();
                        decoder = add(
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
                    // FeatInv (spec §7.4) inverts ConvNeXt feat3, the only public checkpoint; the export's manifest is
                    // checked against the layer at run time. Other layers run without image metrics (a note says why).
                    String featinv = test.enabled()
                                    && test.reconstructor().equals("featinv")
                                    && family(bb).equals(featinvFamily())
                                    && layer.equals(featinvLayer())
                            ? test.featinvExport()
                            : null;
                    String featinvFp = featinv == null ? null : fingerprints.get("featinv");
                    String featinvFamilyParam =
                            featinv == null ? null : family(bb); // what the test checks the export against
                    for (Group g : ds.groups()) {
                        Node trainFeatures = extracted.get("train/" + g.source());
                        Node testFeatures = extracted.get("test/" + g.source());
                        Node testImages = g.source().equals(Vocabulary.DIRECT_SOURCE)
                                ? manipulated.get(ds.name() + "/test")
                                : edited.get(ds.name() + "/test");
                        Node norm = norms.get(g.source());
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
                            if (test.enabled() && test.spatialOnly() && g.applyTransform()) {
                                String id = "test/" + ds.name() + "/" + g.name() + "/" + bb.name() + "/" + layer + "/"
                                        + manip + "/spatial_only";
                                List<Node.Input> ins = new ArrayList<>(
                                        List.of(in("features", testFeatures), in("images", testImages)));
                                if (decoder != null) ins.add(in("reconstructor", decoder));
                                Node t = add(
                                        Stage.TEST,
                                        id,
                                        with(
                                                with(
                                                        cellParams,
                                                        "model",
                                                        "spatial_only",
                                                        "subset_size",
                                                        test.subsetSize(),
                                                        "reconstructor",
                                                        test.reconstructor(),
                                                        "featinv_export",
                                                        featinv,
                                                        "featinv_fingerprint",
                                                        featinvFp,
                                                        "backbone_family",
                                                        featinvFamilyParam,
                                                        "batch_size",
                                                        test.batchSize()),
                                                evalParams()),
                                        ins,
                                        id);
                                reportInputs.add(in("test", t));
                                classifyRecon(
                                        t,
                                        finetunes.get(ds.name()),
                                        testImages,
                                        cellParams,
                                        "spatial_only",
                                        id,
                                        reportInputs);
                            }
                            for (String model : g.models()) {
                                String cell = "train/" + ds.name() + "/" + g.name() + "/" + bb.name() + "/" + layer
                                        + "/" + manip + "/" + model;
                                List<Node.Input> tins = new ArrayList<>(List.of(in("features", trainFeatures)));
                                if (norm != null) tins.add(in("norm", norm));
                                Node train = add(
                                        Stage.TRAIN,
                                        cell,
                                        with(cellParams, "model", model, "training", tr),
                                        tins,
                                        cell);
                                reportInputs.add(in("train", train));
                                if (test.enabled()) {
                                    List<Node.Input> ins = new ArrayList<>(List.of(
                                            in("model", train),
                                            in("features", testFeatures),
                                            in("images", testImages)));
                                    if (norm != null) ins.add(in("norm", norm));
                                    if (decoder != null) ins.add(in("reconstructor", decoder));
                                    Node t = add(
                                            Stage.TEST,
                                            "test" + cell.substring("train".length()),
                                            with(
                                                    with(
                                                            cellParams,
                                                            "model",
                                                            model,
                                                            "subset_size",
                                                            test.subsetSize(),
                                                            "reconstructor",
                                                            test.reconstructor(),
                                                            "featinv_export",
                                                            featinv,
                                                            "featinv_fingerprint",
                                                            featinvFp,
                                                            "backbone_family",
                                                            featinvFamilyParam,
                                                            "batch_size",
                                                            test.batchSize()),
                                                    evalParams()),
                                            ins,
                                            cell);
                                    reportInputs.add(in("test", t));
                                    classifyRecon(
                                            t,
                                            finetunes.get(ds.name()),
                                            testImages,
                                            cellParams,
                                            model,
                                            cell,
                                            reportInputs);
                                }
                                Node ft = finetunes.get(ds.name());
                                if (ft != null
                                        && bb.name().equals(cfg.classify().backbone())) {
                                    List<Node.Input> ins = new ArrayList<>(List.of(
                                            in("model", train), in("classifier", ft), in("features", testFeatures)));
                                    if (norm != null) ins.add(in("norm", norm));
                                    Node c = add(
                                            Stage.CLASSIFY,
                                            "classify" + cell.substring("train".length()),
                                            with(cellParams, "model", model, "export", bb.export()),
                                            ins,
                                            cell);
                                    reportInputs.add(in("classify", c));
                                }
                                if (model.equals("linear")) {
                                    Analysis a = cfg.analysis();
                                    if (a.wxb() && a.wxbDatasets().contains(ds.name())) {
                                        List<Node.Input> ins = new ArrayList<>(
                                                List.of(in("model", train), in("features", testFeatures)));
                                        if (norm != null) ins.add(in("norm", norm));
                                        Node w = add(
                                                Stage.WXB,
                                                "wxb" + cell.substring("train".length()),
                                                with(
                                                        cellParams,
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
                                    if (a.svd() && a.svdDatasets().contains(ds.name())) {
                                        Node s = add(
                                                Stage.SVD,
                                                "svd" + cell.substring("train".length()),
                                                with(cellParams, "model", model),
                                                List.of(in("model", train)),
                                                cell);
                                        reportInputs.add(in("svd", s));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // issue #16: the edit imports too (role "edit"), so the report lists the files each import could not take
        for (Node ed : edited.values()) reportInputs.add(in("edit", ed));
        if (cfg.report().enabled())
            add(
                    Stage.REPORT,
                    "report/" + cfg.sweep().name(),
                    params("sweep", cfg.sweep().name()),
                    reportInputs,
                    null);
    }

    /**
     * The §8.4 classification of a test node's decoder reconstructions (and of the manipulated images)
     * with the fine-tuned classifier, planned where both exist: a test node with a reconstructor and a
     * finetune node for the dataset. Its own node (not part of classify or test) so that a new classifier
     * does not redo the reconstructions and a new reconstruction does not redo the feature classification.
     * Deviation from §8.4 (named): the reference classifies only ConvNeXt-feat3 FeatInv reconstructions;
     * here every backbone's decoder reconstructions are classified, since the classifier sees images.
     */
    private void classifyRecon(
            Node test,
            Node finetune,
            Node testImages,
            Map<String, Object> cellParams,
            String model,
            String cell,
            List<Node.Input> reportInputs) {
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
