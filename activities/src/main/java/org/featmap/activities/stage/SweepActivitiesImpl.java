package org.featmap.activities.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.activities.store.LocalArtifactStore;
import org.featmap.activities.store.Stores;
import org.featmap.activities.tracking.NodeRuns;
import org.featmap.activities.tracking.SecretScrubber;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.Progress;
import org.featmap.core.contract.SweepActivities;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.PlanSummary;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.NodeManifest;
import org.featmap.core.store.Sha256;
import org.featmap.core.tracking.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

public final class SweepActivitiesImpl implements SweepActivities {
    private static final Logger LOG = LoggerFactory.getLogger(SweepActivitiesImpl.class);
    /** The config as the user writes it: snake_case keys (the records' fields are camelCase). */
    private static final ObjectMapper CONFIG_KEYS = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final Tracker tracker;

    public SweepActivitiesImpl(Tracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public List<String> lookupCached(String storeUri, List<String> stageKeys) {
        var ctx = Activity.getExecutionContext();
        try {
            return lookupCached(storeUri, stageKeys, (done, total, ckpt) -> ctx.heartbeat(done));
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    /** Requests in flight for the launch's cache check: manifests are small, so latency bounds it, not bandwidth. */
    static final int LOOKUP_PARALLEL = 16;

    /** Manifest reads in flight: {@link #LOOKUP_PARALLEL} against a remote store, 4 on a local disk. */
    static int lookupParallelism(ArtifactStore store) {
        return store instanceof LocalArtifactStore ? 4 : LOOKUP_PARALLEL;
    }

    /**
     * The launch's cache check, callable without Temporal: manifests only (presence, code version, artifact
     * list and sizes; {@link CacheCheck}), {@value #LOOKUP_PARALLEL} nodes at a time, progress as heartbeats.
     * A broken commit is deleted (manifest first) so its node is recomputed.
     */
    public static List<String> lookupCached(String storeUri, List<String> stageKeys, Progress progress)
            throws IOException {
        List<String> hits = new ArrayList<>();
        long t0 = System.nanoTime();
        int broken = 0;
        try (ArtifactStore store = Stores.open(storeUri)) {
            int parallel = lookupParallelism(store);
            for (CacheCheck.Verdict v : CacheCheck.check(store, stageKeys, parallel, progress)) {
                switch (v.outcome()) {
                    case HIT -> hits.add(v.stageKey());
                    case MISSING -> {}
                    case BROKEN -> {
                        broken++;
                        LOG.warn(
                                "{}: the cached node cannot be used ({}); it will be recomputed",
                                v.stageKey(),
                                v.reason());
                        store.delete(v.stage(), v.key());
                    }
                }
            }
        }
        LOG.info(
                "cache check: {} of {} nodes cached, {} broken, in {} ms (manifests only)",
                hits.size(),
                stageKeys.size(),
                broken,
                (System.nanoTime() - t0) / 1_000_000);
        return hits;
    }

    @Override
    public String openExecutionRun(SweepRequest request, String executionId) {
        try {
            return openExecutionRun(tracker, request, executionId);
        } catch (org.featmap.activities.tracking.MlflowApiException e) {
            // refused (4xx, or the artifact store's 403): the same request will be refused again
            throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(e.getMessage(), "TrackingRefused");
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    @Override
    public String openExecutionRunAlone(SweepRequest request, String executionId) {
        try {
            return openExecutionRun(tracker, request, executionId, false);
        } catch (org.featmap.activities.tracking.MlflowApiException e) {
            throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(e.getMessage(), "TrackingRefused");
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    @Override
    public void recordCachedNodes(SweepRequest request, String runId, String cachedNodes) {
        var ctx = Activity.getExecutionContext();
        try {
            SweepConfig cfg = request.config();
            ExperimentGraph graph = Planner.plan(cfg, request.fingerprints());
            java.util.BitSet cached = org.featmap.core.contract.CachedNodes.decode(cachedNodes);
            recordCachedNodes(tracker, cfg, graph, runId, "of sweep run " + runId, cached::get, ctx::heartbeat);
        } catch (org.featmap.activities.tracking.MlflowApiException e) {
            throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(e.getMessage(), "TrackingRefused");
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    /**
     * The nodes cached in this execution (by their index in the plan) as child runs linked to their computing
     * runs, and a cached report's files on the sweep run. Idempotent: nodes that have their run already are skipped.
     */
    public static void recordCachedNodes(
            Tracker tracker,
            SweepConfig cfg,
            ExperimentGraph graph,
            String run,
            String ofRun,
            java.util.function.IntPredicate cached,
            java.util.function.IntConsumer progress)
            throws IOException {
        String sweep = cfg.sweep().name();
        List<NodeTask> tasks = new ArrayList<>();
        Node report = null;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (!cached.test(i)) continue;
            Node n = nodes.get(i);
            tasks.add(new NodeTask(
                    sweep,
                    run,
                    n.id(),
                    n.stage().id(),
                    n.key(),
                    ContentKeys.canonicalJson(n.params()),
                    List.of(),
                    cfg.sweep().store()));
            if (n.stage() == Stage.REPORT) report = n;
        }
        long t0 = System.nanoTime();
        int made = NodeRuns.recordCached(tracker, tasks, progress);
        if (made > 0)
            LOG.info(
                    "{}: recorded {} cached nodes as runs {} in {} ms",
                    sweep,
                    made,
                    ofRun,
                    (System.nanoTime() - t0) / 1_000_000);
        if (report != null) {
            Path tmp = Files.createTempDirectory("featmap-sweep-report");
            try (ArtifactStore store = Stores.open(cfg.sweep().store())) {
                uploadReport(tracker, store, report, run, tmp.resolve("report"));
            } finally {
                LocalArtifactStore.deleteTree(tmp);
            }
        }
    }

    /** The activity's work, callable without Temporal (tests): the run, with the cached nodes recorded. */
    public static String openExecutionRun(Tracker tracker, SweepRequest request, String executionId)
            throws IOException {
        return openExecutionRun(tracker, request, executionId, true);
    }

    /** The execution's run; {@code withCached}: also the nodes already in the store (sweeps before "cached-runs-async"). */
    static String openExecutionRun(Tracker tracker, SweepRequest request, String executionId, boolean withCached)
            throws IOException {
        SweepConfig cfg = request.config();
        String sweep = cfg.sweep().name();
        String configHash = configHash(cfg);
        ExperimentGraph graph = Planner.plan(cfg, request.fingerprints());
        SweepRequest.Launch launch = request.launch();
        String exp = tracker.experiment(cfg.tracking().experiment());
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("featmap.sweep", sweep);
        tags.put("featmap.configHash", configHash);
        tags.put("featmap.stage", "sweep");
        if (launch != null) {
            if (launch.user() != null) tags.put("mlflow.user", launch.user());
            if (launch.version() != null) tags.put("featmap.version", launch.version());
            if (launch.gitCommit() != null) {
                tags.put("mlflow.source.git.commit", launch.gitCommit());
                tags.put("featmap.gitDirty", Boolean.toString(launch.gitDirty()));
            }
        }
        tags.put(
                "mlflow.note.content",
                "One execution of sweep **" + sweep + "** (" + graph.nodes().size() + " nodes). Its child runs are"
                        + " the nodes, computed here or (tag `featmap.cached = true`) found computed by an earlier execution. Config: `config.yaml`;"
                        + " report: `report/index.html`.");
        String name = launch == null
                ? sweep
                : sweep + " "
                        + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.ofEpochMilli(launch.startedAtMillis()));
        String run = tracker.run(exp, Map.of(Tracker.EXECUTION, executionId), name, tags);

        PlanSummary plan = PlanSummary.of(cfg, graph, PlanSummary.Assumptions.L40, Map.of(), request.fingerprints());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("stage", "sweep");
        params.put("sweep", sweep);
        params.put("store", cfg.sweep().store());
        params.put("config_hash", configHash);
        params.put("plan_nodes", Integer.toString(graph.nodes().size()));
        plan.counts().forEach((stage, n) -> params.put("plan_nodes_" + stage, Integer.toString(n)));
        params.put("plan_feature_bytes_float32", Long.toString(plan.featureBytesFloat32()));
        params.put("plan_gpu_hours_estimate", String.format(java.util.Locale.ROOT, "%.1f", plan.gpuHours()));
        tracker.logParams(run, params);

        Path tmp = Files.createTempDirectory("featmap-sweep-run");
        try {
            Path yaml = tmp.resolve("config.yaml");
            String text = configYaml(cfg);
            SecretScrubber.fromEnvironment()
                    .check("artifact", "config.yaml", text); // the loader refuses secrets; this is the second lock
            Files.writeString(yaml, text, StandardCharsets.UTF_8);
            tracker.logArtifact(run, null, yaml);
            Path planJson = tmp.resolve("plan.json");
            Files.writeString(
                    planJson, CONFIG_KEYS.writerWithDefaultPrettyPrinter().writeValueAsString(plan));
            tracker.logArtifact(run, null, planJson);

            if (withCached) {
                // older sweeps: the nodes already in the store, found here, recorded before the sweep goes on
                Set<Integer> hits = new HashSet<>();
                try (ArtifactStore store = Stores.open(cfg.sweep().store())) {
                    // the launch's cache check (manifests and a listing per stage, in parallel), not a manifest GET per
                    // node in turn
                    List<String> stageKeys = graph.nodes().stream()
                            .map(n -> n.stage().id() + "/" + n.key())
                            .toList();
                    int parallel = lookupParallelism(store);
                    List<CacheCheck.Verdict> verdicts =
                            CacheCheck.check(store, stageKeys, parallel, (done, total, ckpt) -> {});
                    for (int i = 0; i < verdicts.size(); i++)
                        if (verdicts.get(i).outcome() == CacheCheck.Outcome.HIT) hits.add(i);
                }
                recordCachedNodes(tracker, cfg, graph, run, "of execution " + executionId, hits::contains, done -> {});
            }
        } finally {
            LocalArtifactStore.deleteTree(tmp);
        }
        return run;
    }

    /** A cached report belongs to this execution's sweep run as well (the UI shows it there). */
    private static void uploadReport(Tracker tracker, ArtifactStore store, Node report, String run, Path dir)
            throws IOException {
        NodeManifest m = store.manifest(report.stage().id(), report.key()).orElseThrow();
        for (Map.Entry<String, ArtifactRef> e : m.artifacts().entrySet())
            store.fetch(e.getValue(), dir.resolve(e.getKey()));
        if (Files.isDirectory(dir)) tracker.logArtifacts(run, "report", dir);
    }

    /** The resolved config as YAML with the config's own key names (environment expanded; secrets are never in it). */
    static String configYaml(SweepConfig cfg) throws IOException {
        Object tree = CONFIG_KEYS.convertValue(cfg, Object.class);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setSplitLines(false);
        return "# the resolved config of this execution (featmap run): defaults filled in, ${VAR} expanded\n"
                + new Yaml(o).dump(tree);
    }

    static String configHash(SweepConfig cfg) {
        return Sha256.hex(ContentKeys.canonicalJson(cfg)).substring(0, 12);
    }

    @Override
    public String openSweepRun(String sweep, String experiment, String configHash) {
        try {
            String exp = tracker.experiment(experiment);
            return tracker.run(
                    exp,
                    Map.of(Tracker.CELL_KEY, "sweep:" + sweep + ":" + configHash),
                    sweep,
                    Map.of("featmap.sweep", sweep, "featmap.configHash", configHash));
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    @Override
    public void closeSweepRun(String runId, SweepStatus status) {
        try {
            int done = status.total(SweepStatus.StageCount::done);
            int failed = status.total(SweepStatus.StageCount::failed);
            int skipped = status.total(SweepStatus.StageCount::skipped);
            int cached = status.total(SweepStatus.StageCount::cached);
            List<Tracker.Metric> m = new ArrayList<>();
            m.add(Tracker.Metric.now("nodes_done", done, 0));
            m.add(Tracker.Metric.now("nodes_computed", done - cached, 0));
            m.add(Tracker.Metric.now("nodes_cached", cached, 0));
            m.add(Tracker.Metric.now("nodes_failed", failed, 0));
            m.add(Tracker.Metric.now("nodes_skipped", skipped, 0));
            m.add(Tracker.Metric.now("compute_seconds", status.computeMillis() / 1000.0, 0));
            tracker.logMetrics(runId, m);
            tracker.finish(runId, failed == 0 && skipped == 0);
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    /** Where the report's input list lives in the store: its own namespace, beside no node's files. */
    public static final String REPORT_INPUTS_STAGE = "report-inputs";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ArtifactRef publishReportInputs(SweepRequest request) {
        try {
            return publishReportInputs(request.config(), request.fingerprints());
        } catch (IOException e) {
            throw Activity.wrap(e);
        }
    }

    /** The activity's work, callable without Temporal (tests). */
    public static ArtifactRef publishReportInputs(SweepConfig cfg, Map<String, String> fingerprints)
            throws IOException {
        ExperimentGraph graph = Planner.plan(cfg, fingerprints);
        Map<String, Node> byId = graph.byId();
        Node report = graph.nodes().stream()
                .filter(n -> n.stage() == Stage.REPORT)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("the sweep " + cfg.sweep().name() + " plans no report node"));
        List<NodeTask.InputRef> ins = new ArrayList<>();
        for (Node.Input in : report.inputs()) {
            Node dep = byId.get(in.nodeId());
            ins.add(new NodeTask.InputRef(in.role(), dep.id(), dep.stage().id(), dep.key()));
        }
        byte[] bytes = JSON.writeValueAsBytes(ins);
        try (ArtifactStore store = Stores.open(cfg.sweep().store())) {
            return store.putBytes(REPORT_INPUTS_STAGE, report.key(), "inputs.json", bytes);
        }
    }

    /**
     * A task whose inputs were passed by reference ({@link NodeTask#inputsRef}) with its inputs listed again,
     * read (sha256-checked) from the store. The list must give the task's own content key: a worker whose
     * planner differs from the workflow's would otherwise report over other nodes.
     */
    public static NodeTask expandInputs(NodeTask task, ArtifactStore store) throws IOException {
        if (task.inputsRef() == null) return task;
        List<NodeTask.InputRef> ins = JSON.readValue(
                store.readBytes(task.inputsRef()),
                JSON.getTypeFactory().constructCollectionType(List.class, NodeTask.InputRef.class));
        List<Map.Entry<String, String>> roleKeys = new ArrayList<>();
        for (NodeTask.InputRef in : ins) roleKeys.add(Map.entry(in.role(), in.key()));
        @SuppressWarnings("unchecked")
        Map<String, Object> params = JSON.readValue(task.paramsJson(), Map.class);
        String key = ContentKeys.key(Stage.of(task.stage()), params, roleKeys);
        if (!key.equals(task.key()))
            throw new IllegalStateException(task.nodeId() + ": the input list "
                    + task.inputsRef().uri() + " gives key " + key + ", not the task's " + task.key()
                    + " (workers and the workflow run different planner code?)");
        return task.withInputs(ins);
    }
}
