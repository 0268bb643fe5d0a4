package org.featmap.core.contract;

/**
 * How a long computation in {@code ml} reports progress without knowing Temporal. The activity
 * adapter turns each report into a heartbeat (with {@code checkpoint} as heartbeat details, so a
 * retried attempt can resume) and throws from {@link #report} when the activity was cancelled.
 */
@FunctionalInterface
public interface Progress {

    /**
     * @param done units finished so far
     * @param total units in all (or -1 if unknown)
     * @param checkpoint small text a retried attempt can resume from (a store URI, an epoch), or null
     */
    void report(long done, long total, String checkpoint);

    Progress NONE = (done, total, checkpoint) -> {};
}
