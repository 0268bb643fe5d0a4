package org.featmap.ml.features;

import org.apache.arrow.vector.compression.CompressionUtil.CodecType;

/** Arrow IPC buffer compression of the feature files. */
public enum FeatureCompression {
    NONE(CodecType.NO_COMPRESSION),
    ZSTD(CodecType.ZSTD),
    LZ4(CodecType.LZ4_FRAME);

    public final CodecType codec;

    FeatureCompression(CodecType codec) {
        this.codec = codec;
    }

    public String id() {
        return name().toLowerCase();
    }

    public static FeatureCompression parse(String s) {
        for (FeatureCompression c : values()) if (c.id().equalsIgnoreCase(s)) return c;
        throw new IllegalArgumentException("feature compression '" + s + "', allowed: none, zstd, lz4");
    }
}
