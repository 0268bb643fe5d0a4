package org.featmap.activities.store;

import java.net.URI;
import java.util.UUID;
import org.featmap.activities.testsupport.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The store contract against the real S3 server of infra/local/s3.sh (bucket featmap-test). */
class S3ArtifactStoreIT extends S3ArtifactStoreContract {
    private static URI endpoint;
    private static S3Client raw;

    @BeforeAll
    static void findServer() {
        endpoint = Services.s3Endpoint();
        raw = S3Clients.create(endpoint, "us-east-1", true);
    }

    @AfterAll
    static void close() {
        if (raw != null) raw.close();
    }

    @Override
    S3ArtifactStore store() {
        return S3ArtifactStore.open("s3://featmap-test/it-" + UUID.randomUUID() + "?endpoint=" + endpoint);
    }

    @Override
    S3Client rawClient() {
        return raw;
    }
}
