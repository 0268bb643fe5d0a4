package org.featmap.activities.handlers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.featmap.activities.stage.StageHandler;

/** The stage handlers this build has. A stage missing here is refused by 'featmap run' up front. */
public final class Handlers {
    private Handlers() {}

    public static Map<String, StageHandler> all() {
        Map<String, StageHandler> m = new LinkedHashMap<>();
        m.put("synth", org.featmap.activities.images.ImageStages::synth);
        m.put("manipulate", org.featmap.activities.images.ImageStages::manipulate);
        m.put("edit", org.featmap.activities.images.ImageStages::edit);
        m.put("extract", org.featmap.activities.extract.ExtractStages::extract);
        m.put("normstats", org.featmap.activities.normstats.NormStatsStages::normstats);
        m.put("train", org.featmap.activities.train.TrainStages::train);
        m.put("test", org.featmap.activities.test.TestStages::test);
        m.put("reconstruct", org.featmap.activities.reconstruct.ReconstructStages::reconstruct);
        m.put("finetune", org.featmap.activities.classify.ClassifyStages::finetune);
        m.put("classify", org.featmap.activities.classify.ClassifyStages::classify);
        m.put("classify_recon", org.featmap.activities.classify.ClassifyStages::classifyRecon);
        m.put("wxb", org.featmap.activities.analysis.AnalysisStages::wxb);
        m.put("svd", org.featmap.activities.analysis.AnalysisStages::svd);
        m.put("report", org.featmap.activities.report.ReportStages::report);
        return m;
    }
}
