package org.featmap.activities.tracking;

/** A param, tag or metric name/value that looks like a secret was about to be logged. Not retryable. */
public final class SecretLeakException extends IllegalArgumentException {
    public SecretLeakException(String message) {
        super(message);
    }
}
