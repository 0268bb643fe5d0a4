package org.featmap.activities.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.featmap.core.store.ArtifactStore;

/** Opens a store from its URI: a folder path, {@code file:/...}, or {@code s3://bucket/prefix?...}. */
public final class Stores {
    private Stores() {}

    public static ArtifactStore open(String uri) throws IOException {
        if (uri.startsWith("s3://")) return S3Stores.open(uri);
        if (uri.startsWith("file:")) return new LocalArtifactStore(Path.of(URI.create(uri)));
        if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*"))
            throw new IllegalArgumentException(
                    "store '" + uri + "': allowed are a folder path, file:/..., s3://bucket/prefix");
        return new LocalArtifactStore(Path.of(uri));
    }
}
