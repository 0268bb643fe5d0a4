package org.featmap.activities.store;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * The bulk-transfer side of the S3 store (issue #13 item 1): the AWS CRT-based S3 client, which splits
 * uploads into multipart parts and downloads into parallel ranged GETs, and retries each part with
 * backoff itself (5 retries, set explicitly below), under the SDK's {@link S3TransferManager}. Small
 * requests (manifests, listings, deletes) stay on the synchronous client of {@link S3Clients}.
 *
 * <p>One client per endpoint, region, addressing and credentials provider per process: a CRT client owns
 * native event loops and connection pools, and a worker opens a store per activity.
 *
 * <p>Not the SDK's netty-based async client: it does not run on the netty 4.2 that Arrow brings
 * (aws-sdk-java-v2 issue 6757).
 */
final class S3Transfers {
    /** Part size of multipart uploads and ranged downloads. 16 MiB: 10,000 parts (S3's limit) reach 156 GiB. */
    static final long PART_BYTES = 16L << 20;
    /** Retries of one part inside the CRT (503 SlowDown, connection reset, 5xx), with its exponential backoff. */
    static final int CRT_RETRIES = 5;

    private static final Map<String, S3Transfers> SHARED = new ConcurrentHashMap<>();
    private static final Map<String, AwsCredentialsProvider> DEFAULT_CREDENTIALS = new ConcurrentHashMap<>();

    /** Feeds request bodies read from InputStreams to the CRT (one blocking reader thread per upload). */
    static final ExecutorService STREAM_READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "s3-upload-reader");
        t.setDaemon(true);
        return t;
    });

    final S3AsyncClient crt;
    final S3TransferManager tm;

    private S3Transfers(S3AsyncClient crt) {
        this.crt = crt;
        this.tm = S3TransferManager.builder().s3Client(crt).build();
    }

    static S3Transfers shared(S3StoreConfig c, AwsCredentialsProvider credentials) {
        AwsCredentialsProvider creds = credentials != null
                ? credentials
                : DEFAULT_CREDENTIALS.computeIfAbsent(
                        "default", k -> DefaultCredentialsProvider.builder().build());
        String id = c.endpoint() + "|" + c.region() + "|" + c.pathStyle() + "|" + System.identityHashCode(creds);
        return SHARED.computeIfAbsent(id, k -> new S3Transfers(client(c.endpoint(), c.region(), c.pathStyle(), creds)));
    }

    private static S3AsyncClient client(URI endpoint, String region, boolean pathStyle, AwsCredentialsProvider creds) {
        var b = S3AsyncClient.crtBuilder()
                .region(Region.of(region))
                .credentialsProvider(creds)
                .forcePathStyle(pathStyle)
                .minimumPartSizeInBytes(PART_BYTES)
                .thresholdInBytes(PART_BYTES)
                // S3-compatible servers do not all take the SDK's trailing CRC checksums; the store checks sha256
                // itself
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .retryConfiguration(r -> r.numRetries(CRT_RETRIES))
                // a stalled connection is noticed (and the part retried) instead of hanging an activity
                .httpConfiguration(h -> h.connectionTimeout(java.time.Duration.ofSeconds(5)));
        if (endpoint != null) b.endpointOverride(endpoint);
        return b.build();
    }
}
