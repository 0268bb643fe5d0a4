package org.featmap.activities.stage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.featmap.core.contract.Progress;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;

/**
 * The cache check of a launch and of a node about to run (issue #13 item 2): a node is a hit when its
 * manifest is committed, was written by the stage's current code version, and every artifact it lists
 * is stored with the size the manifest records. No artifact byte is read, so the check costs a manifest
 * GET per node and a listing per stage (S3: a request per 1,000 files; per node below 64 nodes) whatever the store holds (a resumed paper sweep with 1.7 TB of features
 * costs what one with 1.7 GB does). The content hashes are verified where the bytes are read anyway: a
 * consumer's fetch ({@link StageContext}), and on demand by {@code featmap verify}.
 *
 * <p>Same-size corruption is therefore not seen at launch; it is seen by the first node that reads the
 * artifact, which fails with a non-retryable {@code CorruptArtifact} error and un-commits the producer
 * so the next launch recomputes it.
 */
public final class CacheCheck {
    private CacheCheck() {}

    /** What the check found for one node. */
    public enum Outcome {
        HIT,
        MISSING,
        BROKEN
    }

    /** @param reason why a committed node cannot be used (BROKEN), else null */
    public record Verdict(String stage, String key, Outcome outcome, String reason) {
        public String stageKey() {
            return stage + "/" + key;
        }
    }

    /** A code-version or unknown-stage reason, or "" when the manifest's version is current. */
    private static String codeVersionProblem(NodeManifest m) {
        try {
            int current = Stage.of(m.stage()).codeVersion();
            return m.codeVersion() == current ? "" : "version";
        } catch (IllegalArgumentException e) {
            return "stage";
        }
    }

    /** Why a committed manifest cannot be trusted, or empty when it can (presence, code version, names, sizes). */
    public static Optional<String> problem(ArtifactStore store, NodeManifest m) throws IOException {
        int current;
        try {
            current = Stage.of(m.stage()).codeVersion();
        } catch (IllegalArgumentException e) {
            return Optional.of("unknown stage " + m.stage());
        }
        if (m.codeVersion() != current)
            return Optional.of(
                    "written by code version " + m.codeVersion() + " of " + m.stage() + ", which is now at " + current);
        if (m.artifacts().isEmpty()) return Optional.empty();
        return sizeProblem(m, store.sizes(m.stage(), m.key()));
    }

    /** Why the stored files ({@code stored}: relative path -> bytes) do not match the manifest, or empty. */
    static Optional<String> sizeProblem(NodeManifest m, Map<String, Long> stored) {
        for (Map.Entry<String, ArtifactRef> e : m.artifacts().entrySet()) {
            Long size = stored.get(e.getKey());
            if (size == null) return Optional.of("artifact " + e.getKey() + " is missing");
            if (size != e.getValue().bytes())
                return Optional.of("artifact " + e.getKey() + " has " + size + " bytes, its manifest says "
                        + e.getValue().bytes());
        }
        return Optional.empty();
    }

    /** Checks one node. */
    public static Verdict check(ArtifactStore store, String stage, String key) throws IOException {
        return check(store, stage, key, null);
    }

    /** Checks one node against {@code listed} (its stored files from a stage listing), or its own listing when null. */
    static Verdict check(ArtifactStore store, String stage, String key, Map<String, Long> listed) throws IOException {
        Optional<NodeManifest> m;
        try {
            m = store.manifest(stage, key);
        } catch (org.featmap.activities.store.StoreUnavailableException e) {
            throw e; // the store, not the node: retry the whole check
        } catch (IOException e) {
            return new Verdict(stage, key, Outcome.BROKEN, e.getMessage()); // an unreadable manifest is a broken commit
        }
        if (m.isEmpty()) return new Verdict(stage, key, Outcome.MISSING, null);
        Optional<String> p = listed == null
                        || !codeVersionProblem(m.get()).isEmpty()
                        || m.get().artifacts().isEmpty()
                ? problem(store, m.get())
                : sizeProblem(m.get(), listed);
        return new Verdict(stage, key, p.isPresent() ? Outcome.BROKEN : Outcome.HIT, p.orElse(null));
    }

    /** A node's files from its stage's listing; the listing's own failure (e.g. the store unavailable) as thrown. */
    private static Map<String, Long> listed(Future<Map<String, Map<String, Long>>> listing, String key)
            throws IOException, InterruptedException {
        try {
            return listing.get().get(key);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    /**
     * Checks many nodes ({@code stage/key} strings) with {@code parallel} requests in flight, reporting
     * progress (a heartbeat in an activity) every {@code every} nodes. Verdicts come back in input order.
     */
    public static List<Verdict> check(ArtifactStore store, List<String> stageKeys, int parallel, Progress progress)
            throws IOException {
        int n = stageKeys.size();
        List<Verdict> out = new ArrayList<>(n);
        if (n == 0) return out;
        int every = Math.max(1, Math.min(256, n / 20));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, n)), r -> {
            Thread t = new Thread(r, "cache-check");
            t.setDaemon(true);
            return t;
        });
        try {
            // the stored files of each stage's nodes first: one listing per stage where the store can (S3: a request
            // per 1,000 files), then a manifest GET per node compared with it
            Map<String, List<String>> byStage = new java.util.LinkedHashMap<>();
            for (String sk : stageKeys) {
                int slash = sk.indexOf('/');
                if (slash <= 0) throw new IllegalArgumentException("bad stage/key '" + sk + "'");
                byStage.computeIfAbsent(sk.substring(0, slash), x -> new ArrayList<>())
                        .add(sk.substring(slash + 1));
            }
            Map<String, Future<Map<String, Map<String, Long>>>> listings = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : byStage.entrySet())
                listings.put(e.getKey(), pool.submit(() -> store.sizes(e.getKey(), e.getValue())));
            List<Future<Verdict>> futures = new ArrayList<>(n);
            for (String sk : stageKeys) {
                int slash = sk.indexOf('/');
                String stage = sk.substring(0, slash);
                String key = sk.substring(slash + 1);
                Future<Map<String, Map<String, Long>>> listing = listings.get(stage);
                futures.add(pool.submit(() -> check(store, stage, key, listed(listing, key))));
            }
            progress.report(0, n, null);
            for (int i = 0; i < n; i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("cache check interrupted");
                }
                if ((i + 1) % every == 0 || i + 1 == n)
                    progress.report(i + 1, n, null); // throws when the activity was cancelled
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
