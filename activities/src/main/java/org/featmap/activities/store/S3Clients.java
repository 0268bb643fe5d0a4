package org.featmap.activities.store;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Builds S3 clients for the store and for MLflow artifacts, and sorts their errors into retryable or not. */
public final class S3Clients {
    private S3Clients() {}

    /** A client with the default credential chain (environment, profile, instance role). */
    public static S3Client create(URI endpoint, String region, boolean pathStyle) {
        return create(
                endpoint,
                region,
                pathStyle,
                DefaultCredentialsProvider.builder().build());
    }

    public static S3Client create(URI endpoint, String region, boolean pathStyle, AwsCredentialsProvider credentials) {
        var b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofMinutes(2)))
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(pathStyle)
                        .build())
                // S3-compatible servers (S3Proxy, older MinIO) do not all speak the SDK's default trailing
                // CRC checksums; the store checks sha256 itself.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(3)));
        if (endpoint != null) b.endpointOverride(endpoint);
        return b.build();
    }

    /**
     * Maps an SDK failure to an IOException: {@link StoreUnavailableException} for what may pass
     * (no connection, timeouts, 5xx, throttling), a plain IOException for the rest.
     */
    public static IOException translate(String what, SdkException e) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : "";
            if ((status >= 500 && status != 501)
                    || status == 429
                    || "SlowDown".equals(code)
                    || "RequestTimeout".equals(code)) {
                return new StoreUnavailableException(what + ": S3 answered " + status + " " + code, e);
            }
            // a HEAD has no error body: the SDK names its 404 by the exception type
            if ("NoSuchBucket".equals(code)
                    || s3 instanceof software.amazon.awssdk.services.s3.model.NoSuchBucketException) {
                return new IOException(
                        what + ": the bucket does not exist (locally: infra/local/s3.sh bucket NAME)", e);
            }
            if (status == 403) {
                return new IOException(
                        what + ": access denied (" + code + "); check the AWS credentials in the environment", e);
            }
            return new IOException(what + ": S3 answered " + status + " " + code, e);
        }
        if (e instanceof SdkClientException) {
            return new StoreUnavailableException(what + ": S3 endpoint unreachable: " + firstLine(e.getMessage()), e);
        }
        return new IOException(what + ": " + firstLine(e.getMessage()), e);
    }

    /** As {@link #translate(String, SdkException)} for what a CRT transfer fails with. */
    public static IOException translate(String what, Throwable e) {
        if (e instanceof SdkException sdk) {
            // the CRT reports its own transport errors inside an SdkClientException; an S3 answer as S3Exception
            return translate(what, sdk);
        }
        if (e instanceof software.amazon.awssdk.crt.CrtRuntimeException || e instanceof IOException) {
            return new StoreUnavailableException(what + ": " + firstLine(e.getMessage()), e);
        }
        return new IOException(what + ": " + firstLine(String.valueOf(e.getMessage())), e);
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
