package org.featmap.activities.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.store.NodeManifest;
import org.featmap.ml.features.FeaturePartitions;
import org.featmap.ml.normstats.NormStatsFile;

/**
 * The inputs the feature readers (normstats, train, test, reconstruct, classify, wxb) share: one layer's store of an
 * extraction node, fetched by need, and the normalisation statistics of a {@code norm} input.
 */
public final class FeatureInputs {
    private FeatureInputs() {}

    /**
     * The feature store of one layer of the node's "features" input, fetching only that layer's files
     * (issue #13 item 3: not the other layers of the extraction node).
     */
    public static Path layerStore(StageContext ctx, String layer) throws IOException {
        return layerStore(ctx.inputDir("features", "features/" + layer + "/"), layer);
    }

    /**
     * As {@link #layerStore(StageContext, String)}, fetching only the partitions of {@code manipulations} of that layer
     * ({@link FeaturePartitions}: a cell reads the originals and its manipulation, 2 of 13). An extraction in the
     * single-store layout of earlier versions is fetched whole. With a local store nothing is fetched and every
     * partition is there; readers see the same pairs either way.
     */
    public static Path layerStore(StageContext ctx, String layer, String... manipulations) throws IOException {
        if (manipulations.length == 0) return layerStore(ctx, layer);
        String base = "features/" + layer + "/";
        NodeManifest m = ctx.inputManifest(ctx.task().input("features"));
        if (m.artifacts().containsKey(base + "store.json")) return layerStore(ctx, layer); // one store per layer
        String[] prefixes = new String[manipulations.length];
        for (int i = 0; i < manipulations.length; i++) prefixes[i] = base + FeaturePartitions.prefix(manipulations[i]);
        return layerStore(ctx.inputDir("features", prefixes), layer);
    }

    /** The feature store of one layer inside an extract node's folder. */
    public static Path layerStore(Path extractDir, String layer) {
        Path p = extractDir.resolve("features").resolve(layer);
        if (!Files.isDirectory(p)) throw new BadInputException("layer " + layer + " was not extracted (no " + p + ")");
        return p;
    }

    /** The {@code norm.json} of the node's "norm" input, or null when the node has none (features not normalised). */
    public static Path normFile(StageContext ctx) throws IOException {
        return ctx.task().inputs("norm").isEmpty() ? null : ctx.inputDir("norm").resolve(NormStatsFile.FILE);
    }
}
