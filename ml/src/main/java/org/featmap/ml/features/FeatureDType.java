package org.featmap.ml.features;

/** Element type of stored feature maps; float16 halves the bytes (issue #4 benchmark b). */
public enum FeatureDType {
    FLOAT32(4),
    FLOAT16(2);

    public final int bytes;

    FeatureDType(int bytes) {
        this.bytes = bytes;
    }

    public String id() {
        return name().toLowerCase();
    }

    public static FeatureDType parse(String s) {
        for (FeatureDType d : values()) if (d.id().equalsIgnoreCase(s)) return d;
        throw new IllegalArgumentException("feature dtype '" + s + "', allowed: float32, float16");
    }
}
