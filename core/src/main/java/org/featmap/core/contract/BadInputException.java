package org.featmap.core.contract;

/**
 * Input that no retry can fix (a corrupt file, a layer the backbone lacks, a config value that
 * contradicts the data). Activities turn it into a non-retryable failure whose message is this
 * one line.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
