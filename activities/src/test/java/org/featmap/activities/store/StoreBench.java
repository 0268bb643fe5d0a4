package org.featmap.activities.store;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.featmap.activities.stage.SweepActivitiesImpl;
import org.featmap.core.contract.Progress;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;

/**
 * The store benchmarks of issue #13 (bench/store/run.sh), against an S3 endpoint from the environment
 * (infra/local's S3Proxy): {@code throughput FILE URI} puts and fetches one file and prints the seconds;
 * {@code populate URI NODES BYTES} writes a finished store of NODES nodes holding BYTES of artifacts in all;
 * {@code relaunch URI NODES} runs the launch's cache check over them and prints its wall time and the bytes
 * this process read meanwhile (/proc/self/io rchar: files and sockets alike).
 */
public final class StoreBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "throughput" -> throughput(Path.of(a[1]), a[2]);
            case "populate" -> populate(a[1], Integer.parseInt(a[2]), Long.parseLong(a[3]));
            case "relaunch" -> relaunch(a[1], Integer.parseInt(a[2]));
            default ->
                throw new IllegalArgumentException(
                        "usage: throughput FILE URI | populate URI NODES BYTES | relaunch URI NODES");
        }
        System.exit(0); // the CRT's native threads are not daemons
    }

    static void throughput(Path file, String uri) throws Exception {
        try (S3ArtifactStore s = S3ArtifactStore.open(uri)) {
            String key = Sha256.hex("bench-throughput");
            s.putBytes("extract", key, "warmup.bin", new byte[1024]); // clients and connections up, outside the timing
            long t0 = System.nanoTime();
            ArtifactRef ref = s.put("extract", key, "features/feat0/part-00000.arrow", file);
            double put = (System.nanoTime() - t0) / 1e9;
            Path back = file.resolveSibling(file.getFileName() + ".back");
            t0 = System.nanoTime();
            s.fetch(ref, back);
            double get = (System.nanoTime() - t0) / 1e9;
            Files.delete(back);
            s.delete("extract", key);
            System.out.printf("java_put_s=%.3f java_get_s=%.3f bytes=%d%n", put, get, ref.bytes());
        }
    }

    static String key(int i) {
        return Sha256.hex("bench-node-" + i);
    }

    /** The stages of the paper grid's nodes, in the proportions of `featmap plan config/paper.yaml`, roughly. */
    static String stage(int i) {
        String[] s = {"train", "test", "classify", "wxb", "svd", "extract", "normstats"};
        return s[i % s.length];
    }

    static void populate(String uri, int nodes, long bytes) throws Exception {
        long each = bytes / nodes;
        long t0 = System.nanoTime();
        try (S3ArtifactStore s = S3ArtifactStore.open(uri)) {
            for (int i = 0; i < nodes; i++) {
                int seed = i;
                ArtifactRef ref = s.put(stage(i), key(i), "model/weights.bin", () -> generated(each, seed), each);
                ArtifactRef small = s.putBytes(stage(i), key(i), "metrics.json", ("{\"node\":" + i + "}").getBytes());
                s.commit(new NodeManifest(
                        stage(i),
                        key(i),
                        Stage.of(stage(i)).codeVersion(),
                        Map.of("model/weights.bin", ref, "metrics.json", small),
                        Map.of("loss", "0.5"),
                        List.of(),
                        1));
            }
        }
        System.out.printf(
                "populated %d nodes, %d bytes in %.1f s%n", nodes, each * nodes, (System.nanoTime() - t0) / 1e9);
    }

    static void relaunch(String uri, int nodes) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < nodes; i++) keys.add(stage(i) + "/" + key(i));
        SweepActivitiesImpl.lookupCached(
                uri, keys.subList(0, 1), Progress.NONE); // class loading and clients, outside the figure
        long r0 = rchar();
        long t0 = System.nanoTime();
        List<String> hits = SweepActivitiesImpl.lookupCached(uri, keys, Progress.NONE);
        double secs = (System.nanoTime() - t0) / 1e9;
        long read = rchar() - r0;
        if (hits.size() != nodes)
            throw new IllegalStateException("only " + hits.size() + " of " + nodes + " nodes cached");
        System.out.printf("relaunch_check_s=%.3f bytes_read=%d hits=%d%n", secs, read, hits.size());
    }

    static long rchar() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/io")))
            if (line.startsWith("rchar:"))
                return Long.parseLong(line.substring(6).trim());
        throw new IllegalStateException("no rchar in /proc/self/io");
    }

    /** Pseudo-random bytes made as they are read (no disk, no array of the whole). */
    static InputStream generated(long length, int seed) {
        return new InputStream() {
            long pos;
            long x = 0x9E3779B97F4A7C15L ^ seed;

            @Override
            public int read() {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= length) return -1;
                int n = (int) Math.min(len, length - pos);
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
}
