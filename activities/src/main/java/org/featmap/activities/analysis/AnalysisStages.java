package org.featmap.activities.analysis;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.featmap.activities.normstats.NormStatsStages;
import org.featmap.activities.stage.StageContext;
import org.featmap.activities.train.TrainStages;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.analysis.SvdMetrics;
import org.featmap.ml.analysis.WxbMetrics;
import org.featmap.ml.features.FeatureStoreReader;
import org.featmap.ml.features.PairIndex;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.normstats.NormStats;
import org.featmap.ml.report.CsvTable;
import org.featmap.ml.rng.NumpyDefaultRng;

/** Adapters of the linear-map analyses: W·x vs bias (spec §9.1) and SVD metrics (§9.2–9.3). */
public final class AnalysisStages {
  private AnalysisStages() {}

  static TrainedMapping linear(StageContext ctx, NDManager m) throws Exception {
    TrainedMapping t = TrainedMapping.load(ctx.inputDir("model").resolve("model"), m);
    if (!"linear".equals(t.sidecar().get("model_type").asText())) {
      t.close();
      throw new BadInputException(ctx.task().nodeId() + ": W·x/bias and SVD need a linear model, the cell's is "
          + t.sidecar().get("model_type").asText());
    }
    return t;
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.17g", v);
  }

  /** svd: singular values of the linear map's weight and the §9.3 metrics. */
  public static void svd(StageContext ctx) throws Exception {
    try (NDManager m = NDManager.newBaseManager(); TrainedMapping t = linear(ctx, m)) {
      float[][] wb = t.linearWeightAndBias();
      int c = wb[1].length;
      double[] s = SvdMetrics.singularValues(wb[0], c, c);
      SvdMetrics.Result r = SvdMetrics.of(s);
      String key = ctx.str("dataset") + "_" + ctx.str("backbone") + "_" + ctx.str("group") + "_" + ctx.str("manipulation")
          + "_linear_" + ctx.str("layer");
      List<String> header = new ArrayList<>(List.of("feat_key", "backbone", "manipulation"));
      header.addAll(SvdMetrics.METRIC_COLUMNS);
      List<String> row = new ArrayList<>(List.of(ctx.str("layer"), ctx.str("backbone"), key));
      row.addAll(r.csvValues());
      CsvTable.write(ctx.outDir().resolve("svd_metrics.csv"), header, List.of(row));
      List<List<String>> sv = new ArrayList<>();
      for (int i = 0; i < s.length; i++)
        sv.add(List.of(key, Integer.toString(i + 1), f(s[i]), f(s[i] * s[i]), ctx.str("layer"), ctx.str("backbone")));
      CsvTable.write(ctx.outDir().resolve("singular_values.csv"),
          List.of("manipulation", "rank", "singular_value", "singular_value_sq", "feat_key", "backbone"), sv);
      ctx.summary("effective_rank", r.effectiveRank());
      ctx.summary("spectral_norm", r.spectralNorm());
      ctx.summary("rank", r.rank());
      String run = ctx.trackingRun();
      ctx.tracker().logMetric(run, "effective_rank", r.effectiveRank(), 0);
      ctx.tracker().logMetric(run, "spectral_norm", r.spectralNorm(), 0);
    }
  }

  /** wxb: weight-vs-bias dominance of the linear map on sampled test source maps (intended formula, B15 flag). */
  public static void wxb(StageContext ctx) throws Exception {
    String layer = ctx.str("layer");
    String manip = ctx.str("manipulation");
    boolean compat = ctx.bool("compat_double_bias");
    Optional<NormStats> norm = TrainStages.norm(ctx);
    try (NDManager m = NDManager.newBaseManager(); TrainedMapping t = linear(ctx, m);
        FeatureStoreReader store = FeatureStoreReader.open(NormStatsStages.layerStore(ctx.inputDir("features"), layer))) {
      float[][] wb = t.linearWeightAndBias();
      PairIndex pairs = store.pairs().filter(manip);
      if (pairs.size() == 0) throw new BadInputException("no test pairs for manipulation '" + manip + "' in " + store.dir());
      long[][] all = new long[pairs.size()][];
      for (int i = 0; i < pairs.size(); i++) all[i] = new long[] {pairs.originalRow()[i], pairs.manipulatedRow()[i]};
      long[][] chosen = WxbMetrics.samplePairs(all, ctx.integer("samples"),
          (n, k) -> new NumpyDefaultRng(Long.parseLong(ctx.str("seed"))).choiceWithoutReplacement(n, k));
      int c = store.channels(), hw = store.height() * store.width();
      float[] map = new float[c * hw];
      String model = WxbMetrics.modelName(ctx.str("group"), manip);
      List<List<String>> rows = new ArrayList<>();
      Map<String, double[]> byMetric = new LinkedHashMap<>();
      for (String name : WxbMetrics.METRICS) byMetric.put(name, new double[chosen.length]);
      for (int i = 0; i < chosen.length; i++) {
        store.readRow((int) chosen[i][0], map, 0);
        // spec §11 B8: the intended input of a normalised layer is the normalised source map
        if (norm.isPresent()) norm.get().normalize(map, 0, 1, hw);
        WxbMetrics.Result r = WxbMetrics.compute(wb[0], wb[1], map, c, hw, compat);
        String id = WxbMetrics.sampleId(ctx.str("dataset"), ctx.str("backbone"), layer, ctx.str("group"), chosen[i][0], chosen[i][1]);
        for (Map.Entry<String, Double> e : r.asMap().entrySet()) {
          rows.add(List.of(id, ctx.str("dataset"), ctx.str("backbone"), layer, model, ctx.str("group"), manip, e.getKey(),
              f(e.getValue())));
          byMetric.get(e.getKey())[i] = e.getValue();
        }
        ctx.progress().report(i + 1, chosen.length, null);
      }
      Path csv = ctx.outDir().resolve("wxb_metrics.csv");
      CsvTable.write(csv, WxbMetrics.CSV_COLUMNS, rows);
      ctx.summary("samples", chosen.length);
      for (Map.Entry<String, double[]> e : byMetric.entrySet()) {
        double[] v = e.getValue().clone();
        Arrays.sort(v);
        ctx.summary("median_" + e.getKey(), v[(v.length - 1) / 2]);
      }
    }
  }
}
