package org.featmap.ml.classify;

/**
 * PyTorch {@code CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)} stepped once per epoch (spec §8.1,
 * values in AV12): the learning rate used during 0-based epoch {@code e}.
 */
public record LrSchedule(double baseLr, int t0, int tMult, double etaMin) {

    public static LrSchedule reference(double baseLr) {
        return new LrSchedule(baseLr, 5, 2, 1e-6);
    }

    public LrSchedule {
        if (t0 < 1 || tMult < 1)
            throw new IllegalArgumentException("T_0 " + t0 + " / T_mult " + tMult + ", both must be >= 1");
    }

    public double lr(int epoch) {
        int tCur = epoch, tI = t0;
        if (tMult == 1) {
            tCur = epoch % t0;
        } else {
            while (tCur >= tI) { // same cycle bookkeeping as torch's epoch-given branch
                tCur -= tI;
                tI *= tMult;
            }
        }
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
    }
}
