package org.featmap.ml.analysis;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairIndex;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.normstats.NormStatsFile;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.rng.NumpyDefaultRng;

/**
 * Stage wxb on plain paths: {@code run(WxbOptions) → WxbResult}, W·x versus bias of one linear cell on sampled test
 * source maps ({@link WxbMetrics}; intended formula, B15 flag) into wxb_metrics.csv; the code path of both the wxb node
 * (the adapter {@code org.featmap.activities.analysis.AnalysisStages#wxb}) and {@code featmap wxb}.
 */
public final class WxbStage {
    public static final String CSV = "wxb_metrics.csv";

    private WxbStage() {}

    public static WxbResult run(WxbOptions o) throws Exception {
        LinearCell cell = o.cell();
        String manip = cell.manipulation();
        Path norm = o.norm();
        NormStats ns = norm == null ? null : NormStatsFile.read(norm);
        Files.createDirectories(o.out());
        try (NDManager m = org.featmap.ml.ComputeDevice.manager(o.device());
                TrainedMapping t = cell.loadLinear("wxb", m);
                FeatureStoreReader store = FeatureStoreReader.open(o.features())) {
            float[][] wb = t.linearWeightAndBias();
            if (wb[1].length != store.channels())
                throw new BadInputException("wxb: the linear map of " + cell.model() + " has " + wb[1].length
                        + " channels, the feature store " + store.dir() + " has " + store.channels() + " ("
                        + store.layer() + ")");
            if (ns != null && ns.channels() != store.channels())
                throw new BadInputException(norm + ": statistics of " + ns.channels()
                        + " channels, the feature store has " + store.channels());
            PairIndex pairs = store.pairs().filter(manip);
            if (pairs.size() == 0)
                throw new BadInputException("no test pairs for manipulation '" + manip + "' in " + store.dir());
            long[][] all = new long[pairs.size()][];
            for (int i = 0; i < pairs.size(); i++)
                all[i] = new long[] {pairs.originalRow()[i], pairs.manipulatedRow()[i]};
            long seed = o.seed();
            long[][] chosen = WxbMetrics.samplePairs(
                    all, o.samples(), (n, k) -> new NumpyDefaultRng(seed).choiceWithoutReplacement(n, k));
            int c = store.channels(), hw = store.height() * store.width();
            float[] map = new float[c * hw];
            String model = WxbMetrics.modelName(cell.group(), manip);
            List<List<String>> rows = new ArrayList<>();
            Map<String, double[]> byMetric = new LinkedHashMap<>();
            for (String name : WxbMetrics.METRICS) byMetric.put(name, new double[chosen.length]);
            for (int i = 0; i < chosen.length; i++) {
                store.readRow((int) chosen[i][0], map, 0);
                // spec §11 B8: the intended input of a normalised layer is the normalised source map
                if (ns != null) ns.normalize(map, 0, 1, hw);
                WxbMetrics.Result r = WxbMetrics.compute(wb[0], wb[1], map, c, hw, o.compatDoubleBias());
                String id = WxbMetrics.sampleId(
                        cell.dataset(), cell.backbone(), cell.layer(), cell.group(), chosen[i][0], chosen[i][1]);
                for (Map.Entry<String, Double> e : r.asMap().entrySet()) {
                    rows.add(List.of(
                            id,
                            cell.dataset(),
                            cell.backbone(),
                            cell.layer(),
                            model,
                            cell.group(),
                            manip,
                            e.getKey(),
                            LinearCell.f(e.getValue())));
                    byMetric.get(e.getKey())[i] = e.getValue();
                }
                o.progress().report(i + 1, chosen.length, null);
            }
            Path csv = o.out().resolve(CSV);
            CsvTable.write(csv, WxbMetrics.CSV_COLUMNS, rows);
            Map<String, Double> medians = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : byMetric.entrySet()) {
                double[] v = e.getValue().clone();
                Arrays.sort(v);
                medians.put(e.getKey(), v[(v.length - 1) / 2]);
            }
            return new WxbResult(chosen.length, Collections.unmodifiableMap(medians), csv);
        }
    }
}
