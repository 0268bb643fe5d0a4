package org.featmap.activities.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ArtifactStore} on S3 or an S3-compatible server. Objects live at
 * {@code <prefix>/<stage>/<key>/<relative path>}; the manifest {@code <prefix>/<stage>/<key>/manifest.json}
 * is written last and is the node's commit marker (one S3 PUT is atomic, so a reader sees a whole
 * manifest or none). Each object also carries its sha256 as user metadata, but reads verify the bytes.
 */
public final class S3ArtifactStore implements ArtifactStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final S3StoreConfig config;
  private final S3Client s3;

  /** Opens a store from its URI; credentials come from the AWS default chain. */
  public static S3ArtifactStore open(String uri) {
    S3StoreConfig c = S3StoreConfig.parse(uri);
    return new S3ArtifactStore(c, S3Clients.create(c.endpoint(), c.region(), c.pathStyle()));
  }

  /** For callers (tests, embedded servers) that hold their own credentials provider. */
  public static S3ArtifactStore open(String uri, AwsCredentialsProvider credentials) {
    S3StoreConfig c = S3StoreConfig.parse(uri);
    return new S3ArtifactStore(c, S3Clients.create(c.endpoint(), c.region(), c.pathStyle(), credentials));
  }

  public S3ArtifactStore(S3StoreConfig config, S3Client s3) {
    this.config = config;
    this.s3 = s3;
  }

  @Override
  public String uri() {
    return config.toUri();
  }

  public S3StoreConfig config() {
    return config;
  }

  @Override
  public ArtifactRef put(String stage, String key, String relativePath, Path source) throws IOException {
    String objectKey = fileKey(stage, key, relativePath);
    String sha = Sha256.ofFile(source);
    long size = Files.size(source);
    try {
      s3.putObject(p -> p.bucket(config.bucket()).key(objectKey).metadata(Map.of("sha256", sha)), RequestBody.fromFile(source));
    } catch (SdkException e) {
      throw S3Clients.translate("put s3://" + config.bucket() + "/" + objectKey, e);
    }
    return new ArtifactRef(s3Uri(objectKey), sha, size);
  }

  @Override
  public ArtifactRef putBytes(String stage, String key, String relativePath, byte[] bytes) throws IOException {
    return putObject(fileKey(stage, key, relativePath), bytes);
  }

  @Override
  public Path fetch(ArtifactRef ref, Path target) throws IOException {
    String objectKey = keyOf(ref);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".fetch-", ".part");
    try {
      MessageDigest md = Sha256.digest();
      try (InputStream in = new DigestInputStream(s3.getObject(g -> g.bucket(config.bucket()).key(objectKey)), md);
          OutputStream out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      } catch (NoSuchKeyException e) {
        throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
      } catch (SdkException e) {
        throw S3Clients.translate("get " + ref.uri(), e);
      }
      String actual = HexFormat.of().formatHex(md.digest());
      if (!actual.equals(ref.sha256()) || Files.size(tmp) != ref.bytes()) throw new CorruptArtifactException(ref, actual);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public byte[] readBytes(ArtifactRef ref) throws IOException {
    byte[] bytes = getBytes(keyOf(ref), ref.uri());
    if (bytes == null) throw new java.io.FileNotFoundException("artifact " + ref.uri() + " is missing from the store");
    String actual = Sha256.hex(bytes);
    if (!actual.equals(ref.sha256()) || bytes.length != ref.bytes()) throw new CorruptArtifactException(ref, actual);
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
      throw new IOException("manifest " + s3Uri(objectKey) + " is not a valid NodeManifest: " + S3Clients.firstLine(e.getMessage()), e);
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

  @Override
  public void close() {
    s3.close();
  }

  private Iterable<S3Object> listObjects(String nodePrefix) {
    return s3.listObjectsV2Paginator(l -> l.bucket(config.bucket()).prefix(nodePrefix)).contents();
  }

  private ArtifactRef putObject(String objectKey, byte[] bytes) throws IOException {
    String sha = Sha256.hex(bytes);
    try {
      s3.putObject(p -> p.bucket(config.bucket()).key(objectKey).metadata(Map.of("sha256", sha)), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw S3Clients.translate("put s3://" + config.bucket() + "/" + objectKey, e);
    }
    return new ArtifactRef(s3Uri(objectKey), sha, bytes.length);
  }

  /** The object's bytes, or null if there is no such object. */
  private byte[] getBytes(String objectKey, String uri) throws IOException {
    try {
      return s3.getObjectAsBytes(g -> g.bucket(config.bucket()).key(objectKey)).asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && (e.awsErrorDetails() == null || !"NoSuchBucket".equals(e.awsErrorDetails().errorCode()))) return null;
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
    if (parts.length < 3) throw new IllegalArgumentException("artifact " + ref.uri() + " is not inside a node (<stage>/<key>/<path>)");
    StorePaths.checkStageKey(parts[0], parts[1]);
    StorePaths.checkRelative(parts[2]);
    return config.objectKey(rel);
  }
}
