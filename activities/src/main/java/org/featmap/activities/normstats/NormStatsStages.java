package org.featmap.activities.normstats;

import java.io.IOException;
import org.featmap.activities.stage.FeatureInputs;
import org.featmap.activities.stage.StageContext;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.normstats.FeatureRows;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.normstats.NormStatsStage;

/** Adapter of the normalisation statistics (spec §4.2) to a graph node; writes norm.json ({@link NormStatsFile}). */
public final class NormStatsStages {
    private NormStatsStages() {}

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
        try (FeatureStoreReader r =
                FeatureStoreReader.open(FeatureInputs.layerStore(ctx, layer, NormStatsStage.RESIZED))) {
            NormStats s = NormStatsStage.compute(rows(r), layer, ctx.str("dataset"), ctx.progress());
            NormStatsFile.write(s, ctx.outDir().resolve(NormStatsFile.FILE));
            ctx.summary("samples", s.n());
            ctx.summary("channels", s.channels());
        }
    }
}
