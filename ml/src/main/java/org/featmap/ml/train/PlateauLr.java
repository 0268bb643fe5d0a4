package org.featmap.ml.train;

/**
 * ReduceLROnPlateau of spec §6.4 (mode min, relative threshold, factor, patience, min_lr; a reduction smaller than
 * 1e-8 is skipped, as PyTorch's eps). Its state is the {@code pl*} fields of {@link EpochRules}; it sets the
 * optimiser's learning rate for the next epoch.
 */
final class PlateauLr implements EpochListener {
    /** The learning rate after an epoch that used {@code lr}; updates the rules' plateau state. */
    static double next(EpochRules r, double valLoss, double lr) {
        double next = lr;
        if (valLoss < r.plBest * (1 - r.plThreshold)) {
            r.plBest = valLoss;
            r.plBad = 0;
        } else {
            r.plBad++;
        }
        if (r.plBad > r.plPatience) {
            double reduced = Math.max(lr * r.plFactor, r.minLr);
            if (lr - reduced > 1e-8) {
                next = reduced;
            }
            r.plBad = 0;
        }
        return next;
    }

    @Override
    public void onEpochEnd(EpochEnd e) {
        e.opt.setLr(next(e.state.rules, e.valLoss, e.lrUsed));
    }
}
