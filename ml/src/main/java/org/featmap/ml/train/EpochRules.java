package org.featmap.ml.train;

/**
 * The per-epoch decisions of spec §6.4/§6.5 as a pure state machine (AV11): early stopping
 * (min_delta, patience), the top-1 checkpoint evaluated every {@code checkpointEvery} epochs, and
 * ReduceLROnPlateau (mode min, relative threshold). Public mutable fields so a checkpoint can
 * serialise it as JSON.
 */
public final class EpochRules {
    public double esMinDelta = 1e-3;
    public int esPatience = 6;
    public int checkpointEvery = 2;
    public double plFactor = 0.5;
    public int plPatience = 8;
    public double plThreshold = 1e-4;
    public double minLr = 1e-6;

    public double esBest = Double.POSITIVE_INFINITY;
    public int esWait = 0;
    public double ckptBest = Double.POSITIVE_INFINITY;
    public int ckptEpoch = -1;
    public double plBest = Double.POSITIVE_INFINITY;
    public int plBad = 0;

    /** What to do after validation of one epoch. */
    public record Decision(boolean saveCheckpoint, boolean stop, double nextLr) {}

    /**
     * The three decisions of one epoch, each on its own fields (the training loop makes them through its listeners
     * {@link BestModelExport}, {@link EarlyStopping} and {@link PlateauLr}, in this order).
     */
    public Decision onEpochEnd(int epoch, double valLoss, double lr) {
        boolean save = BestModelExport.isBest(this, epoch, valLoss);
        boolean stop = EarlyStopping.stop(this, valLoss);
        double next = PlateauLr.next(this, valLoss, lr);
        return new Decision(save, stop, next);
    }
}
