package org.featmap.activities.extract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.activities.stage.ShardCheckpoints;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.stage.WorkerDevice;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.extract.ExtractOptions;
import org.featmap.ml.extract.ExtractReport;
import org.featmap.ml.extract.ExtractStage;
import org.featmap.ml.features.FeatureCompression;
import org.featmap.ml.features.FeatureDType;

/** Adapter of feature extraction (S3) to a graph node: one backbone × dataset × split × source. */
public final class ExtractStages {
    private ExtractStages() {}

    /** Images per forward: config features.batch_size (an execution param, not in the node's key); 16 for nodes planned before it was passed. */
    static int batchSize(StageContext ctx) {
        return ctx.params().has("batch_size") ? ctx.integer("batch_size") : 16;
    }

    public static void extract(StageContext ctx) throws Exception {
        Path backbone = Path.of(ctx.str("export"));
        if (!Files.isRegularFile(backbone.resolve("manifest.json")))
            throw new BadInputException(
                    "backbone export " + backbone + " has no manifest.json (make one with featmap export-backbone)");
        Path images = ctx.inputDir("images").resolve("augmented_" + ctx.str("split"));
        List<String> layers = new ArrayList<>();
        for (var n : ctx.params().get("layers")) layers.add(n.asText());
        // Extraction resumes from the shards a failed attempt finished: they live in scratch, not out, and are copied
        // to the store as they complete, so a retry on another host resumes after them too (issue #14)
        Path scratch = ctx.scratchDir().resolve("features");
        ExtractReport r;
        try (ShardCheckpoints uploads = ShardCheckpoints.forNode(ctx, scratch)) {
            ExtractOptions o = new ExtractOptions(
                    backbone,
                    images,
                    ctx.str("source"),
                    scratch,
                    layers,
                    ctx.str("dataset"),
                    ctx.str("split"),
                    batchSize(ctx),
                    ctx.integer("shard_rows"),
                    FeatureDType.parse(ctx.str("dtype")),
                    FeatureCompression.parse(ctx.str("compression")),
                    WorkerDevice.device(),
                    0,
                    uploads.beating(ctx.progress()));
            r = ExtractStage.run(o);
            uploads.close(); // before the move: the uploader reads scratch
            ctx.summary("checkpoint_shards_uploaded", uploads.shardsUploaded());
            ctx.summary("checkpoint_upload_failures", uploads.failedUploads());
        }
        if (r.rows() == 0)
            throw new BadInputException("no " + ctx.str("source") + " images to extract under " + images);
        for (ExtractReport.Failure f : r.failures()) ctx.failure(f.path() + ": " + f.error());
        Files.move(scratch, ctx.outDir().resolve("features"));
        ctx.summary("rows", r.rows());
        ctx.summary("images_per_second", String.format("%.2f", r.imagesPerSecond()));
    }
}
