package org.featmap.activities.extract;

import org.featmap.activities.stage.StageContext;

/** Test access to ExtractStages' package-private reader. */
public final class ExtractStagesAccess {
    private ExtractStagesAccess() {}

    public static int batchSize(StageContext ctx) {
        return ExtractStages.batchSize(ctx);
    }
}
