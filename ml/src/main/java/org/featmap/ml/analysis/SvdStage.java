package org.featmap.ml.analysis;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.mapping.TrainedMapping;
import org.featmap.ml.report.CsvTable;

/**
 * Stage svd on plain paths: {@code run(SvdOptions) → SvdResult}, the singular values of one linear map's weight and
 * their §9.3 metrics ({@link SvdMetrics}) into svd_metrics.csv and singular_values.csv; the code path of both the svd
 * node (the adapter {@code org.featmap.activities.analysis.AnalysisStages#svd}) and {@code featmap svd}.
 */
public final class SvdStage {
    public static final String METRICS_CSV = "svd_metrics.csv";
    public static final String SINGULAR_VALUES_CSV = "singular_values.csv";

    private SvdStage() {}

    public static SvdResult run(SvdOptions o) throws Exception {
        LinearCell cell = o.cell();
        Path out = o.out();
        Files.createDirectories(out);
        try (NDManager m = org.featmap.ml.ComputeDevice.manager(o.device());
                TrainedMapping t = cell.loadLinear("svd", m)) {
            float[][] wb = t.linearWeightAndBias();
            int c = wb[1].length;
            double[] s = SvdMetrics.singularValues(wb[0], c, c);
            SvdMetrics.Result r = SvdMetrics.of(s);
            String key = cell.dataset() + "_" + cell.backbone() + "_" + cell.group() + "_" + cell.manipulation()
                    + "_linear_" + cell.layer();
            List<String> header = SvdMetrics.tableHeader();
            List<String> row = new ArrayList<>(List.of(cell.layer(), cell.backbone(), key));
            row.addAll(r.csvValues());
            Path metrics = out.resolve(METRICS_CSV);
            CsvTable.write(metrics, header, List.of(row));
            List<List<String>> sv = new ArrayList<>();
            for (int i = 0; i < s.length; i++)
                sv.add(List.of(
                        key,
                        Integer.toString(i + 1),
                        LinearCell.f(s[i]),
                        LinearCell.f(s[i] * s[i]),
                        cell.layer(),
                        cell.backbone()));
            Path values = out.resolve(SINGULAR_VALUES_CSV);
            CsvTable.write(
                    values,
                    List.of("manipulation", "rank", "singular_value", "singular_value_sq", "feat_key", "backbone"),
                    sv);
            return new SvdResult(r, metrics, values);
        }
    }
}
