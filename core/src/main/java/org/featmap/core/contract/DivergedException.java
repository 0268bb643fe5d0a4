package org.featmap.core.contract;

/**
 * A training whose loss became NaN or infinite. Retrying cannot fix it: a retried attempt resumes from the
 * last checkpoint and replays the same deterministic steps into the same non-finite value (issue #14).
 * Activities turn it into a non-retryable failure of type {@value #TYPE}; the sweep marks the node failed,
 * skips its dependants, goes on with the rest and lists it in its result and report.
 */
public class DivergedException extends RuntimeException {
    /** The {@code ApplicationFailure} type activities give it. */
    public static final String TYPE = "Diverged";

    private final int epoch;
    private final int batch;

    /**
     * @param epoch the epoch (from 0) whose loss was not finite
     * @param batch the batch of that epoch (from 0)
     */
    public DivergedException(String message, int epoch, int batch) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }
}
