package org.featmap.activities.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.featmap.activities.stage.CacheCheck;
import org.featmap.activities.testsupport.Services;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue #13 items 1 and 5: the streaming store against the real S3Proxy of infra/local (bucket
 * featmap-test). Artifacts are generated on the fly, so the test needs no disk of its own beyond the
 * server's copy; in CI a missing server fails the test ({@link Services}).
 */
class S3StreamingIT {
    @TempDir
    Path tmp;

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

    private S3ArtifactStore store() {
        return S3ArtifactStore.open("s3://featmap-test/stream-" + UUID.randomUUID() + "?endpoint=" + endpoint);
    }

    private static final String KEY = Sha256.hex("streaming");

    /** {@code length} bytes of a fixed pseudo-random sequence, produced as they are read; optionally failing at {@code failAt}. */
    static InputStream generated(long length, long failAt) {
        return new InputStream() {
            long pos;
            long x = 0x9E3779B97F4A7C15L;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= length) return -1;
                if (pos >= failAt) throw new IOException("connection reset (simulated at byte " + pos + ")");
                int n = (int) Math.min(len, Math.min(length - pos, failAt - pos));
                for (int i = 0; i < n; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    b[off + i] = (byte) x;
                }
                pos += n;
                return n;
            }
        };
    }

    static String shaOfGenerated(long length) throws IOException {
        var md = Sha256.digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = generated(length, Long.MAX_VALUE)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /**
     * The most heap that stayed reachable while {@code work} ran: heap in use right after a full collection, forced
     * every 100 ms. Heap in use between collections also counts the garbage a fast stream leaves for the next young
     * collection (the CRT hands each part over in fresh buffers), which says nothing about what is held: a 2 GiB read
     * at 670 MB/s showed 1,079 MB in use (over the bound) where the live heap peaks near 200 MB.
     */
    static long peakHeapDuring(IORunnable work) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        try {
            work.run();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        return peak.get();
    }

    interface IORunnable {
        void run() throws Exception;
    }

    @Test
    void anArtifactLargerThanAJavaArrayIsWrittenAndReadBackByStreaming() throws Exception {
        long length = (2L << 30) + 123_457; // 2 GiB + a bit: more than any byte[] can hold
        String expect = shaOfGenerated(length);
        try (S3ArtifactStore s = store()) {
            ArtifactRef[] ref = new ArtifactRef[1];
            long t0 = System.nanoTime();
            long upPeak = peakHeapDuring(() -> ref[0] = s.put(
                    "extract",
                    KEY,
                    "features/feat0/part-00000.arrow",
                    () -> generated(length, Long.MAX_VALUE),
                    length));
            double up = (System.nanoTime() - t0) / 1e9;
            assertEquals(length, ref[0].bytes());
            assertEquals(expect, ref[0].sha256(), "sha256 computed while uploading");
            assertEquals(
                    length,
                    raw.headObject(h -> h.bucket("featmap-test").key(keyOf(s, ref[0])))
                            .contentLength());
            t0 = System.nanoTime();
            long downPeak = peakHeapDuring(() -> s.verify(ref[0])); // streamed GET, hashed, not written anywhere
            double down = (System.nanoTime() - t0) / 1e9;
            NodeManifest m = new NodeManifest(
                    "extract",
                    KEY,
                    org.featmap.core.stage.Stage.EXTRACT.codeVersion(),
                    java.util.Map.of("features/feat0/part-00000.arrow", ref[0]),
                    java.util.Map.of(),
                    List.of(),
                    1);
            s.commit(m);
            assertEquals(
                    CacheCheck.Outcome.HIT,
                    CacheCheck.check(s, "extract", KEY).outcome(),
                    "the launch check sees it by size");
            System.out.printf(
                    "S3StreamingIT: %,d bytes up in %.1f s (%.0f MB/s, peak live heap %d MB), read back in %.1f s (%.0f MB/s, peak live heap %d MB)%n",
                    length, up, length / 1e6 / up, upPeak >> 20, down, length / 1e6 / down, downPeak >> 20);
            assertTrue(
                    upPeak < length / 2 && downPeak < length / 2,
                    "never held whole: peak heap " + upPeak + " / " + downPeak);
            s.delete("extract", KEY);
        }
    }

    @Test
    void anInterruptedMultipartUploadIsAbortedAndTheRetrySucceeds() throws Exception {
        long length = 5 * S3Transfers.PART_BYTES + 1000; // six parts
        try (S3ArtifactStore s = store()) {
            IOException e = assertThrows(
                    IOException.class,
                    () -> s.put(
                            "train",
                            KEY,
                            "model/weights.bin",
                            () -> generated(length, 3 * S3Transfers.PART_BYTES + 5),
                            length));
            assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
            String objectKey = s.config().objectKey("train/" + KEY + "/model/weights.bin");
            // Every multipart upload of the key is aborted: the server answers NoSuchUpload to a further abort.
            // (S3Proxy's filesystem provider keeps listing the remnants of parts that were in flight when the
            // upload was aborted; AWS S3 lists nothing.)
            for (var u : raw.listMultipartUploads(l -> l.bucket("featmap-test").prefix(objectKey))
                    .uploads()) {
                var ex = assertThrows(
                        software.amazon.awssdk.services.s3.model.S3Exception.class,
                        () -> raw.abortMultipartUpload(
                                x -> x.bucket("featmap-test").key(objectKey).uploadId(u.uploadId())));
                assertEquals(404, ex.statusCode(), "upload " + u.uploadId() + " was left live: " + ex.getMessage());
            }
            assertTrue(s.list("train", KEY).isEmpty(), "no object from the failed upload");

            ArtifactRef ref = s.put("train", KEY, "model/weights.bin", () -> generated(length, Long.MAX_VALUE), length);
            assertEquals(shaOfGenerated(length), ref.sha256());
            Path back = s.fetch(ref, tmp.resolve("weights.bin"));
            assertEquals(length, Files.size(back));
            assertEquals(ref.sha256(), Sha256.ofFile(back));
            s.delete("train", KEY);
        }
    }

    @Test
    void aCorruptedObjectIsDetectedWhenRead() throws Exception {
        long length = 2 * S3Transfers.PART_BYTES + 77; // read as several ranged GETs
        try (S3ArtifactStore s = store()) {
            ArtifactRef ref = s.put(
                    "extract", KEY, "features/feat1/part-00000.arrow", () -> generated(length, Long.MAX_VALUE), length);
            s.commit(new NodeManifest(
                    "extract",
                    KEY,
                    org.featmap.core.stage.Stage.EXTRACT.codeVersion(),
                    java.util.Map.of("features/feat1/part-00000.arrow", ref),
                    java.util.Map.of(),
                    List.of(),
                    1));
            // same size, one byte changed in the middle part, behind the store's back
            byte[] all;
            try (InputStream in = generated(length, Long.MAX_VALUE)) {
                all = in.readAllBytes();
            }
            all[(int) (S3Transfers.PART_BYTES + 12345)] ^= 0x40;
            raw.putObject(p -> p.bucket("featmap-test").key(keyOf(s, ref)), RequestBody.fromBytes(all));
            assertEquals(
                    CacheCheck.Outcome.HIT,
                    CacheCheck.check(s, "extract", KEY).outcome(),
                    "the launch check reads no bytes: same-size corruption is the reader's to find");
            CorruptArtifactException e =
                    assertThrows(CorruptArtifactException.class, () -> s.fetch(ref, tmp.resolve("x.arrow")));
            assertTrue(e.getMessage().contains("is corrupt: sha256"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("x.arrow")), "nothing corrupt is renamed into place");
            assertThrows(CorruptArtifactException.class, () -> s.verify(ref));
            s.delete("extract", KEY);
        }
    }

    private static String keyOf(S3ArtifactStore s, ArtifactRef ref) {
        return ref.uri().substring(("s3://" + s.config().bucket() + "/").length());
    }
}
