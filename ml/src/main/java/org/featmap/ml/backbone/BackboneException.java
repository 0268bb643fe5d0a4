package org.featmap.ml.backbone;

/** Bad backbone input (missing/corrupt module, manifest disagreeing with the modules, unknown layer). */
public class BackboneException extends IllegalArgumentException {
    public BackboneException(String message) {
        super(message);
    }

    public BackboneException(String message, Throwable cause) {
        super(message, cause);
    }
}
