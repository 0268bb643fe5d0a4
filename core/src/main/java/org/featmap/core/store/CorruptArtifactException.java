package org.featmap.core.store;

import java.io.IOException;

/** A stored file whose bytes no longer match the sha256 its reference promises. */
public final class CorruptArtifactException extends IOException {
    private final ArtifactRef ref;

    public CorruptArtifactException(ArtifactRef ref, String actualSha256) {
        super("artifact " + ref.uri() + " is corrupt: sha256 " + actualSha256 + " != expected " + ref.sha256());
        this.ref = ref;
    }

    public ArtifactRef ref() {
        return ref;
    }
}
