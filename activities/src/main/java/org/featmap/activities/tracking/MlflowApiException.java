package org.featmap.activities.tracking;

import java.io.IOException;

/** The MLflow server refused a request (4xx); retrying the same request will not help. */
public final class MlflowApiException extends IOException {
  private final int status;
  private final String errorCode;

  public MlflowApiException(String what, int status, String errorCode, String message) {
    super(what + ": MLflow answered " + status + " " + errorCode + ": " + message);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public String errorCode() {
    return errorCode;
  }
}
