package org.featmap.ml.features;

/** A feature store whose files disagree with each other or with the config (one-line message). */
public class FeatureStoreException extends IllegalStateException {
    public FeatureStoreException(String message) {
        super(message);
    }
}
