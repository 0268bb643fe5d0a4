package org.featmap.ml.train;

/**
 * Early stopping of spec §6.4 (Lightning's EarlyStopping on val_loss: min_delta, patience). Its state is the
 * {@code es*} fields of {@link EpochRules}, which the epoch checkpoint serialises.
 */
final class EarlyStopping implements EpochListener {
    /** Whether training stops after this validation loss; updates the rules' es state. */
    static boolean stop(EpochRules r, double valLoss) {
        if (!Double.isFinite(valLoss)) return true;
        if (valLoss < r.esBest - r.esMinDelta) {
            r.esBest = valLoss;
            r.esWait = 0;
            return false;
        }
        r.esWait++;
        return r.esWait >= r.esPatience;
    }

    @Override
    public void onEpochEnd(EpochEnd e) {
        e.state.stopped = stop(e.state.rules, e.valLoss);
    }
}
