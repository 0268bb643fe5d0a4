package org.featmap.activities.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.tracking.NodeRuns;
import org.featmap.core.contract.BadInputException;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.tracking.Tracker;

/**
 * What a stage handler sees: its task, parsed params, the store, its inputs as local folders, a
 * private output folder, progress (heartbeats) and tracking. Handlers write files into {@link
 * #outDir()}; the activity publishes them and commits the manifest.
 */
public final class StageContext {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NodeTask task;
    private final JsonNode params;
    private final ArtifactStore store;
    private final Path workRoot;
    private final Progress progress;
    private final Tracker tracker;
    private final Map<String, String> summary = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final String checkpoint;
    private String runId;
    private final List<Tracker.Metric> pending = new ArrayList<>();
    private final List<InputCache.Lease> leases = new ArrayList<>();
    private long fetchedBytes;

    StageContext(
            NodeTask task, ArtifactStore store, Path workRoot, Progress progress, Tracker tracker, String checkpoint)
            throws IOException {
        this.task = task;
        this.params = JSON.readTree(task.paramsJson());
        this.store = store;
        this.workRoot = workRoot;
        this.progress = progress;
        this.tracker = tracker;
        this.checkpoint = checkpoint;
    }

    public NodeTask task() {
        return task;
    }

    public JsonNode params() {
        return params;
    }

    public String str(String key) {
        JsonNode n = params.get(key);
        if (n == null || n.isNull()) throw new BadInputException(task.nodeId() + ": missing param '" + key + "'");
        return n.asText();
    }

    public int integer(String key) {
        return Integer.parseInt(str(key));
    }

    public boolean bool(String key) {
        return Boolean.parseBoolean(str(key));
    }

    public ArtifactStore store() {
        return store;
    }

    public Progress progress() {
        return progress;
    }

    public Tracker tracker() {
        return tracker;
    }

    /** The checkpoint text of the last heartbeat of a previous attempt, or null on a first attempt. */
    public String checkpoint() {
        return checkpoint;
    }

    /** A folder for this node's outputs; published to the store when the handler returns. */
    public Path outDir() throws IOException {
        Path p = workRoot.resolve("out");
        Files.createDirectories(p);
        return p;
    }

    /**
     * A folder that survives failed attempts of this node on this machine (checkpoints, finished
     * shards), so a retried attempt resumes instead of starting over.
     */
    public Path scratchDir() throws IOException {
        Path p = workRoot.resolve("scratch");
        Files.createDirectories(p);
        return p;
    }

    /**
     * The committed outputs of an input node as a local folder (no copy for a local store), every artifact
     * of it fetched and verified. Prefer {@link #inputDir(String, String...)} with the files the node reads.
     */
    public Path inputDir(String role) throws IOException {
        return materialize(task.input(role), ALL);
    }

    /**
     * The outputs of an input node as a local folder holding (at least) the artifacts whose relative paths
     * start with one of {@code prefixes}: a node fetches only what it reads (issue #13 item 3).
     */
    public Path inputDir(String role, String... prefixes) throws IOException {
        return materialize(task.input(role), prefixes.length == 0 ? ALL : prefixes);
    }

    public List<Path> inputDirs(String role) throws IOException {
        List<Path> l = new ArrayList<>();
        for (NodeTask.InputRef in : task.inputs(role)) l.add(materialize(in, ALL));
        return l;
    }

    public NodeManifest inputManifest(NodeTask.InputRef in) throws IOException {
        return store.manifest(in.stage(), in.key())
                .orElseThrow(() ->
                        new IllegalStateException(task.nodeId() + ": input " + in.nodeId() + " is not committed"));
    }

    /** The committed outputs of any input of this node as a local folder. */
    public Path inputDirOf(NodeTask.InputRef in) throws IOException {
        return materialize(in, ALL);
    }

    private static final String[] ALL = {""};

    /**
     * Makes the wanted artifacts of an input local, verifying each one's sha256 where its bytes are read
     * (while streaming from a remote store; one pass, once per file and process, for a local one). A
     * mismatch or a missing file un-commits the producer and fails this node with {@link CorruptInputException}.
     */
    private Path materialize(NodeTask.InputRef in, String[] prefixes) throws IOException {
        NodeManifest m = inputManifest(in);
        Map<String, ArtifactRef> wanted = new java.util.TreeMap<>();
        for (Map.Entry<String, ArtifactRef> e : m.artifacts().entrySet())
            for (String p : prefixes)
                if (e.getKey().startsWith(p)) {
                    wanted.put(e.getKey(), e.getValue());
                    break;
                }
        try {
            if (store instanceof LocalArtifactStore local) {
                for (ArtifactRef r : wanted.values()) local.verifyOnce(r);
                return local.nodeDir(in.stage(), in.key());
            }
            InputCache cache = InputCache.at(workRoot.getParent().getParent().resolve("inputs"));
            for (Map.Entry<String, ArtifactRef> e : wanted.entrySet()) {
                InputCache.Lease lease = cache.acquire(store, in.stage(), in.key(), e.getKey(), e.getValue());
                leases.add(lease);
                fetchedBytes += e.getValue().bytes();
            }
            return cache.nodeDir(in.stage(), in.key());
        } catch (CorruptArtifactException | java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw corrupt(in, e);
        }
    }

    private CorruptInputException corrupt(NodeTask.InputRef in, IOException e) {
        String what = task.nodeId() + ": input " + in.nodeId() + " (" + in.stage() + "/" + in.key() + ") is corrupt: "
                + e.getMessage();
        try {
            store.delete(
                    in.stage(), in.key()); // un-commit the producer (manifest first): the next launch recomputes it
            return new CorruptInputException(
                    in.nodeId(), what + "; it was un-committed, so the next launch recomputes it", e);
        } catch (IOException | RuntimeException x) {
            return new CorruptInputException(
                    in.nodeId(), what + "; un-committing it failed too (" + x.getMessage() + ")", e);
        }
    }

    /** Bytes this node fetched into the worker's input cache so far (cached or downloaded): benchmark 6c. */
    public long fetchedBytes() {
        return fetchedBytes;
    }

    /** Releases this node's leases on cached inputs (NodeRunner calls it when the node ends). */
    void release() {
        for (InputCache.Lease l : leases) l.close();
        leases.clear();
    }

    public void summary(String key, Object value) {
        summary.put(key, String.valueOf(value));
    }

    public Map<String, String> summary() {
        return summary;
    }

    /** Records an item that failed while the node as a whole still completes. */
    public void failure(String oneLine) {
        failures.add(oneLine);
    }

    public List<String> failures() {
        return failures;
    }

    /**
     * The node's own tracking run in this execution (a child of the sweep run, with the node's params),
     * created on first use; {@code "none"} without tracking.
     */
    public String trackingRun() throws IOException {
        if (runId == null) runId = task.sweepRunId() == null ? "none" : NodeRuns.open(tracker, task);
        return runId;
    }

    /**
     * Buffers one metric value for the node's run; buffered values go out in one batch at {@link
     * #flushMetrics()} (stages call it at least once per epoch) and when the node ends.
     */
    public void metric(String name, double value, long step) {
        pending.add(Tracker.Metric.now(name, value, step));
    }

    /** Sends the buffered metric values (one call, retried inside; a longer outage fails the attempt, which is retried). */
    public void flushMetrics() throws IOException {
        if (pending.isEmpty()) return;
        List<Tracker.Metric> batch = List.copyOf(pending);
        tracker.logMetrics(trackingRun(), batch);
        pending.clear();
    }

    String runIdIfAny() {
        return runId;
    }
}
