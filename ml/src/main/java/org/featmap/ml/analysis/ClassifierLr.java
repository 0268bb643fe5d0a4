package org.featmap.ml.analysis;

/**
 * Learning rate of the classifier fine-tuning (spec §8.1, AV12): torch
 * {@code CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)} stepped once per epoch.
 */
public record ClassifierLr(double baseLr, int t0, int tMult, double etaMin) {
    public static final ClassifierLr SPEC = new ClassifierLr(1e-3, 5, 2, 1e-6);

    public ClassifierLr {
        if (t0 <= 0) throw new IllegalArgumentException("T_0 must be > 0, got " + t0);
        if (tMult < 1) throw new IllegalArgumentException("T_mult must be >= 1, got " + tMult);
    }

    /** The LR used during 0-based epoch e (after e scheduler steps). */
    public double lrAtEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        int tCur = 0;
        int tI = t0;
        for (int e = 0; e < epoch; e++) {
            tCur++;
            if (tCur >= tI) {
                tCur -= tI;
                tI *= tMult;
            }
        }
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
    }
}
