package org.featmap.activities.store;

import org.featmap.core.store.ArtifactStore;

/** Opens the S3 backend (credentials from the environment / default chain, never from the URI). */
final class S3Stores {
    private S3Stores() {}

    static ArtifactStore open(String uri) {
        return S3ArtifactStore.open(uri);
    }
}
