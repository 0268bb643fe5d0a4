package org.featmap.activities.store;

import java.io.IOException;
import org.featmap.core.store.ArtifactStore;

/** Indirection so the S3 backend can be swapped in without touching {@link Stores}. */
final class S3Stores {
  private S3Stores() {}

  static ArtifactStore open(String uri) throws IOException {
    throw new IllegalArgumentException("store '" + uri + "': the S3 backend is not available in this build");
  }
}
