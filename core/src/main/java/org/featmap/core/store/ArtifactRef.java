package org.featmap.core.store;

import java.util.Objects;

/**
 * A reference to one stored file: where it is, its sha256 and size. Activities pass these, never
 * tensors, so Temporal payloads stay small (ARCHITECTURE "Data flow").
 *
 * @param uri the store URI of the file ({@code file:/...} or {@code s3://bucket/key})
 * @param sha256 lowercase hex sha256 of the bytes
 * @param bytes size in bytes
 */
public record ArtifactRef(String uri, String sha256, long bytes) {
    public ArtifactRef {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes + " for " + uri);
    }
}
