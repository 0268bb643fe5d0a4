package org.featmap.activities.normstats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.featmap.activities.stage.StageContext;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.normstats.FeatureRows;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsStage;

/** Adapter of the normalisation statistics (spec §4.2) to a graph node; writes norm.json. */
public final class NormStatsStages {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String FILE = "norm.json";

    private NormStatsStages() {}

    /** The feature store of one layer inside an extract node's folder. */
    /**
     * The feature store of one layer of the node's "features" input, fetching only that layer's files
     * (issue #13 item 3: not the other layers of the extraction node).
     */
    public static Path layerStore(org.featmap.activities.stage.StageContext ctx, String layer)
            throws java.io.IOException {
        return layerStore(ctx.inputDir("features", "features/" + layer + "/"), layer);
    }

    /**
     * As {@link #layerStore(StageContext, String)}, fetching only the partitions of {@code manipulations} of that layer
     * ({@link org.featmap.ml.features.FeaturePartitions}: a cell reads the originals and its manipulation, 2 of 13). An
     * extraction in the single-store layout of earlier versions is fetched whole. With a local store nothing is
     * fetched and every partition is there; readers see the same pairs either way.
     */
    public static Path layerStore(org.featmap.activities.stage.StageContext ctx, String layer, String... manipulations)
            throws java.io.IOException {
        if (manipulations.length == 0) return layerStore(ctx, layer);
        String base = "features/" + layer + "/";
        org.featmap.core.store.NodeManifest m = ctx.inputManifest(ctx.task().input("features"));
        if (m.artifacts().containsKey(base + "store.json")) return layerStore(ctx, layer); // one store per layer
        String[] prefixes = new String[manipulations.length];
        for (int i = 0; i < manipulations.length; i++)
            prefixes[i] = base + org.featmap.ml.features.FeaturePartitions.prefix(manipulations[i]);
        return layerStore(ctx.inputDir("features", prefixes), layer);
    }

    public static Path layerStore(Path extractDir, String layer) {
        Path p = extractDir.resolve("features").resolve(layer);
        if (!Files.isDirectory(p)) throw new BadInputException("layer " + layer + " was not extracted (no " + p + ")");
        return p;
    }

    /** The Arrow store seen as the rows the statistics read. */
    public static FeatureRows rows(FeatureStoreReader r) {
        return new FeatureRows() {
            @Override
            public int rowCount() {
                return r.size();
            }

            @Override
            public int channels() {
                return r.channels();
            }

            @Override
            public int height() {
                return r.height();
            }

            @Override
            public int width() {
                return r.width();
            }

            @Override
            public String manipulation(int row) {
                return r.manipulation(row);
            }

            @Override
            public void read(int row, float[] dst, int off) throws IOException {
                r.readRow(row, dst, off);
            }
        };
    }

    public static void normstats(StageContext ctx) throws Exception {
        String layer = ctx.str("layer");
        try (FeatureStoreReader r = FeatureStoreReader.open(layerStore(ctx, layer, NormStatsStage.RESIZED))) {
            NormStats s = NormStatsStage.compute(rows(r), layer, ctx.str("dataset"), ctx.progress());
            write(s, ctx.outDir().resolve(FILE));
            ctx.summary("samples", s.n());
            ctx.summary("channels", s.channels());
        }
    }

    public static void write(NormStats s, Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feat_key", s.featKey());
        m.put("source_dataset", s.source());
        m.put("manip", "resized");
        m.put("num_samples_for_stats", s.n());
        m.put("mean", s.mean());
        m.put("std", s.std());
        Files.write(file, JSON.writeValueAsBytes(m));
    }

    public static NormStats read(Path file) throws IOException {
        var n = JSON.readTree(file.toFile());
        float[] mean = JSON.treeToValue(n.get("mean"), float[].class);
        float[] std = JSON.treeToValue(n.get("std"), float[].class);
        return new NormStats(
                mean,
                std,
                n.get("num_samples_for_stats").asInt(),
                n.get("feat_key").asText(),
                n.get("source_dataset").asText());
    }
}
