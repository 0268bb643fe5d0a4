package org.featmap.activities.stage;

/**
 * The computation of one stage: read inputs from the context, write outputs into {@code
 * ctx.outDir()}, put scalar results into {@code ctx.summary}. Throw {@link
 * org.featmap.core.contract.BadInputException} for input no retry can fix.
 */
@FunctionalInterface
public interface StageHandler {
    void compute(StageContext ctx) throws Exception;
}
