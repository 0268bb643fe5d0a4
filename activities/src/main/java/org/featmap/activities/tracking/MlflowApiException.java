package org.featmap.activities.tracking;

import java.io.IOException;

/**
 * The MLflow server (or the artifact store behind its runs) refused a request (4xx); retrying the same
 * request will not help.
 */
public final class MlflowApiException extends IOException {
    private final int status;
    private final String errorCode;

    public MlflowApiException(String what, int status, String errorCode, String message) {
        this(what + ": MLflow answered " + status + " " + errorCode + ": " + message, status, errorCode);
    }

    private MlflowApiException(String fullMessage, int status, String errorCode) {
        super(fullMessage);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The S3 bucket of the runs' artifacts refused the client's credentials (403). */
    public static MlflowApiException artifactStoreRefused(String what, int status, String errorCode) {
        return new MlflowApiException(
                what + ": the artifact store answered " + status + " " + errorCode
                        + "; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the worker",
                status,
                errorCode);
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }
}
