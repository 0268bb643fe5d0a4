package org.featmap.activities.store;

import java.io.IOException;

/**
 * The store could not be reached or answered with a transient error (connection refused, timeout,
 * 5xx, throttling). Retryable: the activity should fail and let Temporal retry it. Every other
 * IOException of a store (access denied, missing bucket) and IllegalArgumentException (bad names)
 * will not get better by retrying.
 */
public final class StoreUnavailableException extends IOException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
