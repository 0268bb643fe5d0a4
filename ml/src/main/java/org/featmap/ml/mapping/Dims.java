package org.featmap.ml.mapping;

/**
 * Hidden sizes of the mapping networks. {@link #SPEC} holds the reference values (spec §5, B17:
 * 512 / 512 / d 512, 8 heads, FFN 1024, 4 layers); other values only serve small parity fixtures.
 */
public record Dims(int mlpHidden, int cnnHidden, int dModel, int heads, int ffn, int layers) {
    public static final Dims SPEC = new Dims(512, 512, 512, 8, 1024, 4);
}
