package org.featmap.ml.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.analysis.ClassificationMetrics;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.report.CsvTable;

/**
 * Stages S7 + S8 of one cell on plain paths: {@code run(ClassifyCellOptions) → ClassifyCellResult}. It opens the
 * feature store, the trained mapping and the classifier tail, classifies the orig / edit / mapped sets
 * ({@link ClassifyStage}) and writes their §8.3 metrics to {@link #METRICS_CSV}; the code path of both the classify
 * node (the adapter {@code org.featmap.activities.classify.ClassifyStages#classify}) and {@code featmap classify}.
 */
public final class ClassifyCellStage {
    public static final String METRICS_CSV = "metrics.csv";

    private ClassifyCellStage() {}

    public static ClassifyCellResult run(ClassifyCellOptions o) throws Exception {
        NormStats ns = o.norm() == null ? null : NormStatsFile.read(o.norm());
        Files.createDirectories(o.out());
        try (FeatureStoreReader store = FeatureStoreReader.open(o.features());
                NDManager manager = org.featmap.ml.ComputeDevice.manager(o.device());
                TrainedMapping mapping = TrainedMapping.load(o.model(), manager);
                ClassifierTail tail = ClassifierTail.open(o.export(), o.head(), o.layer(), o.device())) {
            int c = store.channels(), h = store.height(), w = store.width();
            int mc = mapping.sidecar().path("channels").asInt(c);
            if (mc != c)
                throw new BadInputException(o.model() + ": the model maps " + mc + " channels, the feature store "
                        + store.dir() + " has " + c + " (" + store.layer() + ")");
            if (ns != null && ns.mean().length != c)
                throw new BadInputException(
                        o.norm() + ": statistics of " + ns.mean().length + " channels, the feature store has " + c);
            Function<NDArray, NDArray> mapper = x -> {
                int b = (int) x.getShape().get(0);
                float[] y = mapping.apply(x.toFloatArray(), b, c, h, w, ns);
                return org.featmap.ml.Tensors.owned(x.getManager(), y, new Shape(b, c, h, w));
            };
            ClassifyResult r;
            // ClassifyStage refuses a layer mismatch or an absent manipulation with IllegalArgumentException; for a
            // node that is bad input (not retried), as it was when this code lived in the adapter
            try {
                r = ClassifyStage.run(new ClassifyOptions(
                        store,
                        o.manipulation(),
                        tail,
                        mapper,
                        o.mode(),
                        o.dataset(),
                        o.out(),
                        o.batchSize(),
                        o.progress()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            ClassificationMetrics.Row row = ClassificationMetrics.compute(
                    probs(r.files().get("orig")),
                    probs(r.files().get("edit")),
                    probs(r.files().get("mapped")),
                    o.mode(),
                    o.manipulation(),
                    o.layer(),
                    o.dataset());
            Path csv = CsvTable.write(
                    o.out().resolve(METRICS_CSV), ClassificationMetrics.CSV_COLUMNS, List.of(row.csvValues()));
            return new ClassifyCellResult(r.pairs(), row, csv);
        }
    }

    private static ClassificationMetrics.Probs probs(Path file) throws java.io.IOException {
        ProbabilityFile.Probs p = ProbabilityFile.read(file);
        return new ClassificationMetrics.Probs(p.probs(), p.targets(), p.numClasses());
    }
}
