package org.featmap.ml.mapping;

import java.util.Locale;

/** Mapping architectures of spec §5 (cluster is not implemented by the reference, §5.6). */
public enum ModelType {
    LINEAR,
    MLP,
    CNN,
    TRANSFORMER;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelType parse(String s) {
        for (ModelType t : values()) {
            if (t.key().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("model type '" + s + "' unknown: allowed linear, mlp, cnn, transformer");
    }
}
