package org.featmap.activities.tracking;

import java.io.IOException;

/**
 * The tracking server (or its artifact store) could not be reached or answered with a transient
 * error (connection refused, timeout, 429, 5xx). Retryable; every other IOException of the tracker
 * (4xx: bad names, params changed on a reused run) will not get better by retrying.
 */
public final class TrackerUnavailableException extends IOException {
    public TrackerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
