package org.featmap.ml.features;

/**
 * Metadata of one stored feature row (spec §3.4/§3.5): {@code sampleId} is the row_idx of the
 * enumeration (ImageFolder order); {@code path} the image path as enumerated.
 */
public record SampleRow(int sampleId, String originalId, int classId, String manipulation, String path) {}
