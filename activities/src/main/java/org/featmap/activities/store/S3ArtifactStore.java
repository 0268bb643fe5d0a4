package org.featmap.activities.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.Upload;
import software.amazon.awssdk.transfer.s3.model.UploadRequest;

/**
 * {@link ArtifactStore} on S3 or an S3-compatible server. Objects live at
 * {@code <prefix>/<stage>/<key>/<relative path>}; the manifest {@code <prefix>/<stage>/<key>/manifest.json}
 * is written last and is the node's commit marker (one S3 PUT is atomic, so a reader sees a whole
 * manifest or none). Bulk files stream through the CRT-based transfer manager ({@link S3Transfers}):
 * multipart uploads, parallel ranged GETs, sha256 computed while the bytes pass, never a whole file in
 * memory (issue #13 item 1). The manifest's sha256 is the reference; small objects also carry it as metadata.
 */
public final class S3ArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final S3StoreConfig config;
    private final S3Client s3;
    private final AwsCredentialsProvider credentials; // null: the default chain
    private S3Transfers transfers; // created on the first bulk transfer: most store uses are manifests only

    /** Attempts of one whole transfer (each part already retried inside the CRT) before the activity gives up. */
    static final int TRANSFER_ATTEMPTS = 4;
    /** readBytes is for small files (JSON, CSV); larger ones stream through {@link #fetch}. */
    static final long MAX_READ_BYTES = 64L << 20;

    /** Opens a store from its URI; credentials come from the AWS default chain. */
    public static S3ArtifactStore open(String uri) {
        S3StoreConfig c = S3StoreConfig.parse(uri);
        return new S3ArtifactStore(c, S3Clients.create(c.endpoint(), c.region(), c.pathStyle()), null);
    }

    /** For callers (tests, embedded servers) that hold their own credentials provider. */
    public static S3ArtifactStore open(String uri, AwsCredentialsProvider credentials) {
        S3StoreConfig c = S3StoreConfig.parse(uri);
        return new S3ArtifactStore(
                c, S3Clients.create(c.endpoint(), c.region(), c.pathStyle(), credentials), credentials);
    }

    public S3ArtifactStore(S3StoreConfig config, S3Client s3, AwsCredentialsProvider credentials) {
        this.config = config;
        this.s3 = s3;
        this.credentials = credentials;
    }

    @Override
    public String uri() {
        return config.toUri();
    }

    public S3StoreConfig config() {
        return config;
    }

    private synchronized S3Transfers transfers() {
        if (transfers == null) transfers = S3Transfers.shared(config, credentials);
        return transfers;
    }

    /** Something that can be read from the start again (a retried upload re-reads it). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    @Override
    public ArtifactRef put(String stage, String key, String relativePath, Path source) throws IOException {
        return put(stage, key, relativePath, () -> Files.newInputStream(source), Files.size(source));
    }

    /**
     * Streams {@code length} bytes from {@code source} into one object, as a multipart upload through the
     * transfer manager above {@link S3Transfers#PART_BYTES}; the sha256 is computed while the bytes go
     * out, nothing is held whole in memory. A failed upload aborts its unfinished multipart upload; a
     * transient failure (throttling, 5xx, connection reset) is retried from the start with backoff.
     */
    public ArtifactRef put(String stage, String key, String relativePath, Source source, long length)
            throws IOException {
        String objectKey = fileKey(stage, key, relativePath);
        String what = "put s3://" + config.bucket() + "/" + objectKey;
        for (int attempt = 1; ; attempt++) {
            MessageDigest md = Sha256.digest();
            long[] count = new long[1];
            IOException[] sourceFailure = new IOException[1];
            try (InputStream in = new CountingDigestStream(source.open(), md, count, sourceFailure)) {
                S3TransferManager tm = transfers().tm;
                Upload up = tm.upload(UploadRequest.builder()
                        .putObjectRequest(p -> p.bucket(config.bucket()).key(objectKey))
                        .requestBody(AsyncRequestBody.fromInputStream(in, length, S3Transfers.STREAM_READERS))
                        .build());
                up.completionFuture().join();
            } catch (CompletionException | SdkException e) {
                abortUnfinished(objectKey);
                if (sourceFailure[0] != null)
                    throw sourceFailure[0]; // reading our own file failed, not S3: not retried here
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                IOException io = S3Clients.translate(what, cause);
                if (!(io instanceof StoreUnavailableException) || attempt >= TRANSFER_ATTEMPTS) throw io;
                backoff(attempt, what, io);
                continue;
            }
            if (count[0] != length)
                throw new IOException(what + ": the source gave " + count[0] + " bytes, expected " + length);
            return new ArtifactRef(s3Uri(objectKey), HexFormat.of().formatHex(md.digest()), length);
        }
    }

    /** Aborts multipart uploads left for this key (the CRT aborts its own on failure; this is the second lock). */
    private void abortUnfinished(String objectKey) {
        try {
            var list = s3.listMultipartUploads(l -> l.bucket(config.bucket()).prefix(objectKey));
            for (var u : list.uploads()) {
                if (!u.key().equals(objectKey)) continue;
                try {
                    s3.abortMultipartUpload(
                            x -> x.bucket(config.bucket()).key(objectKey).uploadId(u.uploadId()));
                } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException e) {
                    continue; // the CRT aborted it already (S3Proxy's filesystem provider still lists the remnants)
                } catch (S3Exception e) {
                    if (e.statusCode() == 404) continue;
                    throw e;
                }
                LOG.info(
                        "aborted the unfinished multipart upload {} of s3://{}/{}",
                        u.uploadId(),
                        config.bucket(),
                        objectKey);
            }
        } catch (SdkException e) {
            LOG.warn(
                    "could not list/abort unfinished multipart uploads of s3://{}/{}: {}",
                    config.bucket(),
                    objectKey,
                    S3Clients.firstLine(e.getMessage()));
        }
    }

    private static void backoff(int attempt, String what, IOException e) throws IOException {
        long ms = Math.min(8_000L, 500L << (attempt - 1));
        LOG.warn("{}: {} (attempt {} of {}); retrying in {} ms", what, e.getMessage(), attempt, TRANSFER_ATTEMPTS, ms);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(what + ": interrupted");
        }
    }

    @Override
    public ArtifactRef putBytes(String stage, String key, String relativePath, byte[] bytes) throws IOException {
        return putObject(fileKey(stage, key, relativePath), bytes);
    }

    /**
     * Streams an object to {@code target} (through a temporary file in its folder, renamed when whole),
     * hashing while it streams: parallel ranged GETs inside the CRT, delivered in order. A transfer cut
     * off mid-way resumes with a ranged GET from the bytes it has. A size or sha256 mismatch is a {@link
     * CorruptArtifactException}; nothing is renamed into place then.
     */
    @Override
    public Path fetch(ArtifactRef ref, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".fetch-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                stream(ref, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Streams an object through its sha256 without keeping it ({@code featmap verify}). */
    @Override
    public void verify(ArtifactRef ref) throws IOException {
        stream(ref, OutputStream.nullOutputStream());
    }

    /** Copies the object of {@code ref} to {@code out}, hashing as it goes; resumes by range after a transient fault. */
    private void stream(ArtifactRef ref, OutputStream out) throws IOException {
        String objectKey = keyOf(ref);
        String what = "get " + ref.uri();
        try (BackgroundDigest digest = new BackgroundDigest()) {
            stream(ref, objectKey, what, digest, out);
        }
    }

    private void stream(ArtifactRef ref, String objectKey, String what, BackgroundDigest digest, OutputStream out)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            long have = digest.copied();
            if (have == 0 && ref.bytes() == 0) {
                // a ranged GET of an empty object is refused (416): check it exists and is empty
                try {
                    long size = s3.headObject(h -> h.bucket(config.bucket()).key(objectKey))
                            .contentLength();
                    if (size != 0) throw new CorruptArtifactException(ref, "<size " + size + ">");
                    break;
                } catch (NoSuchKeyException e) {
                    throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
                } catch (S3Exception e) {
                    if (e.statusCode() == 404)
                        throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
                    throw S3Clients.translate(what, e);
                }
            }
            try (InputStream in = transfers()
                    .crt
                    .getObject(
                            g -> g.bucket(config.bucket()).key(objectKey).range("bytes=" + have + "-"),
                            AsyncResponseTransformer.<GetObjectResponse>toBlockingInputStream())
                    .join()) {
                digest.copy(in, out, ref.bytes()); // stops once longer than recorded: corrupt, no need to read on
                break;
            } catch (CompletionException | SdkException | java.io.UncheckedIOException | IOException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof NoSuchKeyException || cause instanceof S3Exception s3e && s3e.statusCode() == 404)
                    throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
                if (cause instanceof S3Exception s3e && s3e.statusCode() == 416 && digest.copied() >= ref.bytes())
                    break; // nothing left to read
                if (cause instanceof java.nio.file.FileSystemException fse)
                    throw fse; // the local side (disk full), not S3
                IOException io = cause instanceof SdkException sdk
                        ? S3Clients.translate(what, sdk)
                        : new StoreUnavailableException(
                                what + ": " + S3Clients.firstLine(String.valueOf(cause.getMessage())), cause);
                if (!(io instanceof StoreUnavailableException) || attempt >= TRANSFER_ATTEMPTS) throw io;
                backoff(attempt, what + " (at byte " + digest.copied() + ")", io);
            }
        }
        long have = digest.copied();
        String actual = digest.hex();
        if (have != ref.bytes())
            throw new CorruptArtifactException(ref, "<size " + (have > ref.bytes() ? "over " : "") + have + ">");
        if (!actual.equals(ref.sha256())) throw new CorruptArtifactException(ref, actual);
    }

    @Override
    public byte[] readBytes(ArtifactRef ref) throws IOException {
        if (ref.bytes() > MAX_READ_BYTES)
            throw new IllegalArgumentException("artifact " + ref.uri() + " has " + ref.bytes()
                    + " bytes; readBytes is for files up to " + MAX_READ_BYTES + " (stream larger ones with fetch)");
        byte[] bytes = getBytes(keyOf(ref), ref.uri());
        if (bytes == null)
            throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
        String actual = Sha256.hex(bytes);
        if (!actual.equals(ref.sha256()) || bytes.length != ref.bytes())
            throw new CorruptArtifactException(ref, actual);
        return bytes;
    }

    @Override
    public void commit(NodeManifest manifest) throws IOException {
        StorePaths.checkStageKey(manifest.stage(), manifest.key());
        for (var e : manifest.artifacts().entrySet()) keyOf(e.getValue()); // refs must point into this store
        putObject(nodeKey(manifest.stage(), manifest.key()) + StorePaths.MANIFEST, JSON.writeValueAsBytes(manifest));
    }

    @Override
    public Optional<NodeManifest> manifest(String stage, String key) throws IOException {
        StorePaths.checkStageKey(stage, key);
        String objectKey = nodeKey(stage, key) + StorePaths.MANIFEST;
        byte[] bytes = getBytes(objectKey, s3Uri(objectKey));
        if (bytes == null) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(bytes, NodeManifest.class));
        } catch (IOException e) {
            throw new IOException(
                    "manifest " + s3Uri(objectKey) + " is not a valid NodeManifest: "
                            + S3Clients.firstLine(e.getMessage()),
                    e);
        }
    }

    @Override
    public void delete(String stage, String key) throws IOException {
        StorePaths.checkStageKey(stage, key);
        String node = nodeKey(stage, key);
        try {
            // The manifest goes first: a delete cut short must never leave a node that looks committed.
            s3.deleteObject(d -> d.bucket(config.bucket()).key(node + StorePaths.MANIFEST));
            // One DELETE per object: multi-object delete needs a checksum header that S3-compatible
            // servers do not all accept (S3Proxy 2.6 answers 501), and nodes hold few files.
            for (S3Object o : listObjects(node)) {
                s3.deleteObject(d -> d.bucket(config.bucket()).key(o.key()));
            }
        } catch (SdkException e) {
            throw S3Clients.translate("delete node s3://" + config.bucket() + "/" + node, e);
        }
    }

    /** Relative paths of the node's files, without the manifest, sorted. */
    @Override
    public List<String> list(String stage, String key) throws IOException {
        StorePaths.checkStageKey(stage, key);
        String node = nodeKey(stage, key);
        List<String> out = new ArrayList<>();
        try {
            for (S3Object o : listObjects(node)) {
                String rel = o.key().substring(node.length());
                // Keys ending in '/' are folder markers of file-system-backed servers (S3Proxy's filesystem
                // provider lists them); no stored file can have such a name.
                if (!rel.equals(StorePaths.MANIFEST) && !rel.endsWith("/")) out.add(rel);
            }
        } catch (SdkException e) {
            throw S3Clients.translate("list s3://" + config.bucket() + "/" + node, e);
        }
        out.sort(null);
        return out;
    }

    /** One LIST of the node's prefix (1,000 keys a page): sizes without reading any object. */
    @Override
    public Map<String, Long> sizes(String stage, String key) throws IOException {
        StorePaths.checkStageKey(stage, key);
        String node = nodeKey(stage, key);
        Map<String, Long> out = new java.util.TreeMap<>();
        try {
            for (S3Object o : listObjects(node)) {
                String rel = o.key().substring(node.length());
                if (!rel.equals(StorePaths.MANIFEST) && !rel.endsWith("/")) out.put(rel, o.size());
            }
        } catch (SdkException e) {
            throw S3Clients.translate("list s3://" + config.bucket() + "/" + node, e);
        }
        return out;
    }

    /**
     * Nodes per stage from which one listing of the whole stage replaces a listing per node. The stage's listing also
     * pages through nodes not asked for (other sweeps' in a shared store), so it pays only for many keys.
     */
    static final int STAGE_LISTING_FROM = 64;

    @Override
    public Map<String, Map<String, Long>> sizes(String stage, java.util.Collection<String> keys) throws IOException {
        if (keys.size() < STAGE_LISTING_FROM) return ArtifactStore.super.sizes(stage, keys);
        for (String k : keys) StorePaths.checkStageKey(stage, k);
        String prefix = config.objectKey(stage + "/");
        Map<String, Map<String, Long>> out = new java.util.HashMap<>();
        for (String k : keys) out.put(k, new java.util.TreeMap<>());
        try {
            for (S3Object o : listObjects(prefix)) { // <stage>/<key>/<relative path>
                String rest = o.key().substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash <= 0) continue;
                Map<String, Long> node = out.get(rest.substring(0, slash));
                String rel = rest.substring(slash + 1);
                if (node != null && !rel.equals(StorePaths.MANIFEST) && !rel.isEmpty() && !rel.endsWith("/"))
                    node.put(rel, o.size());
            }
        } catch (SdkException e) {
            throw S3Clients.translate("list s3://" + config.bucket() + "/" + prefix, e);
        }
        return out;
    }

    /** Closes the small-request client; the bulk-transfer client is shared by the process's stores. */
    @Override
    public void close() {
        s3.close();
    }

    /** Counts and hashes what an upload reads. */
    private static final class CountingDigestStream extends java.io.FilterInputStream {
        private final MessageDigest md;
        private final long[] count;
        private final IOException[] failure;

        CountingDigestStream(InputStream in, MessageDigest md, long[] count, IOException[] failure) {
            super(in);
            this.md = md;
            this.count = count;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                failure[0] = e;
                throw e;
            }
            if (b >= 0) {
                md.update((byte) b);
                count[0]++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                failure[0] = e;
                throw e;
            }
            if (n > 0) {
                md.update(b, off, n);
                count[0] += n;
            }
            return n;
        }
    }

    private Iterable<S3Object> listObjects(String nodePrefix) {
        return s3.listObjectsV2Paginator(l -> l.bucket(config.bucket()).prefix(nodePrefix))
                .contents();
    }

    private ArtifactRef putObject(String objectKey, byte[] bytes) throws IOException {
        String sha = Sha256.hex(bytes);
        try {
            s3.putObject(
                    p -> p.bucket(config.bucket()).key(objectKey).metadata(Map.of("sha256", sha)),
                    RequestBody.fromBytes(bytes));
        } catch (SdkClientException e) {
            throw refusalOr("put s3://" + config.bucket() + "/" + objectKey, e);
        } catch (SdkException e) {
            throw S3Clients.translate("put s3://" + config.bucket() + "/" + objectKey, e);
        }
        return new ArtifactRef(s3Uri(objectKey), sha, bytes.length);
    }

    /**
     * A PUT that failed in transport: a server that refuses a request (no such bucket, bad credentials) may answer
     * before it reads the body and close the connection, so the client sees only "Error writing request body" and
     * the refusal would be retried as an outage. A HEAD of the bucket has no body: its answer tells the refusal
     * (not retryable) from an endpoint that is really unreachable (retryable).
     */
    private IOException refusalOr(String what, SdkClientException e) {
        try {
            s3.headBucket(h -> h.bucket(config.bucket()));
        } catch (S3Exception refused) {
            IOException t = S3Clients.translate(what, refused);
            if (!(t instanceof StoreUnavailableException)) {
                t.addSuppressed(e);
                return t;
            }
        } catch (SdkException ignored) {
            // the HEAD fails in transport too: the endpoint is unreachable
        }
        return S3Clients.translate(what, e);
    }

    /** The object's bytes, or null if there is no such object. */
    private byte[] getBytes(String objectKey, String uri) throws IOException {
        try {
            return s3.getObjectAsBytes(g -> g.bucket(config.bucket()).key(objectKey))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404
                    && (e.awsErrorDetails() == null
                            || !"NoSuchBucket".equals(e.awsErrorDetails().errorCode()))) return null;
            throw S3Clients.translate("get " + uri, e);
        } catch (SdkException e) {
            throw S3Clients.translate("get " + uri, e);
        }
    }

    private String nodeKey(String stage, String key) {
        StorePaths.checkStageKey(stage, key);
        return config.objectKey(stage + "/" + key + "/");
    }

    private String fileKey(String stage, String key, String relativePath) {
        return nodeKey(stage, key) + StorePaths.checkRelative(relativePath);
    }

    private String s3Uri(String objectKey) {
        return "s3://" + config.bucket() + "/" + objectKey;
    }

    /** The object key of a reference, which must point into this store's bucket and prefix. */
    private String keyOf(ArtifactRef ref) {
        String head = "s3://" + config.bucket() + "/" + config.objectKey("");
        if (!ref.uri().startsWith(head)) {
            throw new IllegalArgumentException("artifact " + ref.uri() + " is not in the store " + uri());
        }
        String rel = ref.uri().substring(head.length());
        String[] parts = rel.split("/", 3);
        if (parts.length < 3)
            throw new IllegalArgumentException(
                    "artifact " + ref.uri() + " is not inside a node (<stage>/<key>/<path>)");
        StorePaths.checkStageKey(parts[0], parts[1]);
        StorePaths.checkRelative(parts[2]);
        return config.objectKey(rel);
    }
}
