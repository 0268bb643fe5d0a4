package org.featmap.activities.images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.featmap.activities.stage.StageContext;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.images.GenerativeEditImport;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateReport;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;

/** Adapters of the image stages (S1, S2 and the synthetic dataset) to graph nodes. */
public final class ImageStages {
    private ImageStages() {}

    /** synth: the dataset layout of spec §1.2 under the node's folder. */
    public static void synth(StageContext ctx) throws Exception {
        SyntheticDataset.Summary s = SyntheticDataset.generate(
                ctx.outDir(),
                ctx.integer("classes"),
                ctx.integer("per_class_train"),
                ctx.integer("per_class_test"),
                Long.parseLong(ctx.str("seed")),
                Math.max(ctx.integer("width"), ctx.integer("height")));
        ctx.summary("classes", s.classes());
        ctx.summary("train_images", s.trainImages());
        ctx.summary("test_images", s.testImages());
    }

    /** The dataset folder a node reads: its synth input, else the configured root. */
    static Path datasetRoot(StageContext ctx) throws Exception {
        if (!ctx.task().inputs("dataset").isEmpty()) return ctx.inputDir("dataset");
        return Path.of(ctx.str("root"));
    }

    /** manipulate: resize + crop and the direct manipulations of one split (spec §1.4, §2). */
    public static void manipulate(StageContext ctx) throws Exception {
        List<Manipulation> ops = new ArrayList<>();
        for (var n : ctx.params().get("manipulations")) ops.add(Manipulation.parse(n.asText()));
        ManipulateOptions o = new ManipulateOptions(
                datasetRoot(ctx),
                ctx.str("dataset"),
                ctx.str("split"),
                ctx.outDir(),
                ImageFormat.parse(ctx.str("format")),
                ops,
                ctx.integer("num_classes"),
                workers(ctx),
                ctx.integer("target_size"),
                ctx.progress());
        ManipulateReport r = ManipulateStage.run(o);
        if (r.images() == 0)
            throw new BadInputException("no images found for split " + r.split() + " in " + o.datasetRoot());
        if (r.imagesDone() == 0)
            throw new BadInputException("none of the " + r.images() + " images could be processed: "
                    + r.failures().get(0));
        for (String f : r.failures()) ctx.failure(f);
        ctx.summary("images", r.images());
        ctx.summary("images_done", r.imagesDone());
        ctx.summary("files", r.filesWritten());
    }

    /**
     * Threads of the manipulate stage: config images.workers (an execution param, not in the node's key), 0 or
     * absent (nodes planned before it was passed) = this worker's cores.
     */
    static int workers(StageContext ctx) {
        int n = ctx.params().has("workers") ? ctx.integer("workers") : 0;
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    /** The configured prompts' short names of an edit node (param "prompts": [{name, text}, ...]). */
    static List<String> promptNames(StageContext ctx) {
        List<String> names = new ArrayList<>();
        if (ctx.params().has("prompts"))
            for (var p : ctx.params().get("prompts")) names.add(p.path("name").asText());
        return names;
    }

    /** edit: generative edits imported from a folder (spec §2.7, canonical short names of §11 B4). */
    public static void edit(StageContext ctx) throws Exception {
        if (!ctx.str("mode").equals("import"))
            throw new BadInputException(
                    "edit mode '" + ctx.str("mode") + "' runs on the Python edit worker (python/edit_worker)"
                            + " serving the edit queue; this Java worker only imports precomputed edits");
        try {
            GenerativeEditImport.splitDir(Path.of(ctx.str("import_dir")), ctx.str("split"));
        } catch (java.io.IOException e) {
            throw new BadInputException(e.getMessage()); // a layout problem: no retry fixes it
        }
        GenerativeEditImport.Report r = GenerativeEditImport.run(new GenerativeEditImport.Options(
                Path.of(ctx.str("import_dir")),
                datasetRoot(ctx),
                ctx.str("split"),
                ctx.outDir(),
                ImageFormat.parse(ctx.str("format")),
                ctx.integer("num_classes"),
                ctx.integer("target_size"),
                promptNames(ctx),
                ctx.progress()));
        if (r.imported() == 0 && !r.failures().isEmpty())
            throw new BadInputException("no edit could be imported from " + ctx.str("import_dir") + ": "
                    + r.failures().get(0));
        for (String f : r.failures()) ctx.failure(f);
        ctx.summary("imported", r.imported());
        for (Map.Entry<String, Integer> e : r.perEdit().entrySet()) ctx.summary("edits." + e.getKey(), e.getValue());
    }
}
