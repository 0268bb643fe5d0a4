package org.featmap.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.contract.NodeResult;
import org.featmap.core.contract.NodeTask;
import org.featmap.core.contract.SweepActivities;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.contract.SweepStatus.StageCount;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.stage.Stage;

public class SweepWorkflowImpl implements SweepWorkflow {
    /**
     * Version of the sweep's shape (docs/ARCHITECTURE.md "Changing workflow code"): DEFAULT = every shared
     * node and one child per cell in this history, the report given every result node in its payload;
     * 1 = bounded ({@link #runBounded}).
     */
    static final String BOUNDED = "bounded-sweep";
    /** (stage, key) pairs per cache-lookup activity: ~80 bytes each, so ~40 KB per payload. */
    static final int LOOKUP_BATCH = 500;
    /** Batches the sweep aims for at most: its history grows ~6 events per batch (see runBounded). */
    static final int TARGET_BATCHES = 400;
    /** Estimated payload bytes of one batch's request, far below Temporal's 256 KB warning. */
    static final int BATCH_PAYLOAD_BYTES = 96 * 1024;
    /** Failed and skipped nodes listed by name in the status (the counts per stage stay exact). */
    static final int MAX_LISTED_FAILURES = 1000;

    /** Per node: pending, running, done, cached, failed, skipped. */
    private final Map<String, String> nodeState = new LinkedHashMap<>();

    private final Map<String, String> nodeStage = new HashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<CellWorkflow.Interval> intervals = new ArrayList<>();
    private String sweepName = "";
    private boolean finished;

    private final Map<String, String> liveBatches = new LinkedHashMap<>();

    /** Version marker: the cached nodes' tracking runs recorded beside the sweep (recordCachedNodes), not in openExecutionRun. */
    static final String CACHED_RUNS_ASYNC = "cached-runs-async";

    /** Overridden only by CachedRunsReplayTest (the code before the marker, and the change without it). */
    int cachedRunsVersion() {
        return Workflow.getVersion(CACHED_RUNS_ASYNC, Workflow.DEFAULT_VERSION, 1);
    }

    /** Overridden only by the negative replay test (a change that is not behind getVersion must fail replay). */
    int shapeVersion() {
        return Workflow.getVersion(BOUNDED, Workflow.DEFAULT_VERSION, 1);
    }

    /** Bookkeeping activities (tracking runs, report inputs): short, retried until they succeed. */
    private static SweepActivities bookkeeping(StageOptions opts) {
        return Workflow.newActivityStub(
                SweepActivities.class,
                ActivityOptions.newBuilder()
                        .setTaskQueue(opts.queueOf("default"))
                        .setStartToCloseTimeout(Duration.ofMinutes(10))
                        .build());
    }

    /**
     * The cache check reads manifests only and heartbeats its progress (issue #13): its own options, so a
     * worker lost mid-check is noticed in a minute and a large store is not cut off at 10 minutes. Options
     * are not part of replay, so this needs no version marker.
     */
    private static SweepActivities cacheCheck(StageOptions opts) {
        return Workflow.newActivityStub(
                SweepActivities.class,
                ActivityOptions.newBuilder()
                        .setTaskQueue(opts.queueOf("default"))
                        .setStartToCloseTimeout(Duration.ofHours(2))
                        .setHeartbeatTimeout(Duration.ofMinutes(2))
                        .setRetryOptions(io.temporal.common.RetryOptions.newBuilder()
                                .setMaximumAttempts(10)
                                .build())
                        .build());
    }

    @Override
    public SweepStatus run(SweepRequest request) {
        return shapeVersion() == Workflow.DEFAULT_VERSION ? runFlat(request) : runBounded(request);
    }

    /** The shape of sweeps started before bounded histories (kept so that their histories replay). */
    private SweepStatus runFlat(SweepRequest request) {
        SweepConfig cfg = request.config();
        sweepName = cfg.sweep().name();
        ExperimentGraph graph = plan(request);
        Map<String, Node> byId = graph.byId();
        for (Node n : graph.nodes()) {
            nodeState.put(n.id(), "pending");
            nodeStage.put(n.id(), n.stage().id());
        }
        // 10 attempts with backoff 1 s x2 up to 2 min: a retryable fault (tracking server or object store
        // restarting, ~30-50 s for MLflow on a loaded machine) is ridden out for ~6 min; 6 attempts gave 31 s.
        StageOptions opts = new StageOptions(cfg.sweep().queues(), cfg.sweep().heartbeatSeconds(), 10);
        SweepActivities bookkeeping = bookkeeping(opts);
        String store = cfg.sweep().store();
        String runId = request.tracking() ? openRun(bookkeeping, request) : null;

        List<String> stageKeys =
                graph.nodes().stream().map(n -> n.stage().id() + "/" + n.key()).toList();
        SweepActivities cacheCheck = cacheCheck(opts);
        Set<String> cachedKeys = new HashSet<>(cacheCheck.lookupCached(store, stageKeys));
        Set<String> cachedIds = new HashSet<>();
        for (Node n : graph.nodes()) if (cachedKeys.contains(n.stage().id() + "/" + n.key())) cachedIds.add(n.id());

        // Units: every shared node alone, and each cell (all nodes with the same cell id) as one child.
        Map<String, List<Node>> units = new LinkedHashMap<>();
        Map<String, String> unitOf = new HashMap<>();
        for (Node n : graph.nodes()) {
            String unit = n.cell() == null ? n.id() : "cell:" + n.cell();
            units.computeIfAbsent(unit, u -> new ArrayList<>()).add(n);
            unitOf.put(n.id(), unit);
        }
        Dag<Object> dag = new Dag<>();
        for (Map.Entry<String, List<Node>> u : units.entrySet()) {
            Set<String> deps = new java.util.LinkedHashSet<>();
            for (Node n : u.getValue())
                for (Node.Input in : n.inputs()) {
                    String du = unitOf.get(in.nodeId());
                    if (!du.equals(u.getKey())) deps.add(du);
                }
            boolean isReport = u.getValue().size() == 1 && u.getValue().get(0).stage() == Stage.REPORT;
            if (isReport) dag.addSoft(u.getKey(), new ArrayList<>(deps));
            else dag.add(u.getKey(), new ArrayList<>(deps));
            if (u.getValue().stream().allMatch(n -> cachedIds.contains(n.id()))) {
                dag.done(u.getKey(), null);
                for (Node n : u.getValue()) nodeState.put(n.id(), "cached");
            }
        }

        Stubs stubs = new Stubs(opts);
        String parentId = Workflow.getInfo().getWorkflowId();
        dag.run(
                cfg.sweep().maxInFlight(),
                unit -> {
                    List<Node> nodes = units.get(unit);
                    for (Node n : nodes) if (!cachedIds.contains(n.id())) nodeState.put(n.id(), "running");
                    if (!unit.startsWith("cell:")) {
                        Node n = nodes.get(0);
                        NodeTask t = task(cfg, runId, n, byId);
                        Promise<NodeResult> p = stubs.execute(t);
                        return p.handle((r, e) -> {
                            if (e != null) {
                                nodeState.put(n.id(), "failed");
                                failures.put(n.id(), Dag.describe(e));
                                throw e;
                            }
                            nodeState.put(n.id(), r.cached() ? "cached" : "done");
                            if (!r.cached())
                                intervals.add(new CellWorkflow.Interval(r.startedAtMillis(), r.computeMillis()));
                            return r;
                        });
                    }
                    List<NodeTask> tasks = new ArrayList<>();
                    Map<String, List<String>> deps = new LinkedHashMap<>();
                    List<String> cached = new ArrayList<>();
                    Set<String> inCell = new HashSet<>();
                    for (Node n : nodes) inCell.add(n.id());
                    for (Node n : nodes) {
                        tasks.add(task(cfg, runId, n, byId));
                        deps.put(
                                n.id(),
                                n.inputs().stream()
                                        .map(Node.Input::nodeId)
                                        .filter(inCell::contains)
                                        .toList());
                        if (cachedIds.contains(n.id())) cached.add(n.id());
                    }
                    CellWorkflow child = Workflow.newChildWorkflowStub(
                            CellWorkflow.class,
                            ChildWorkflowOptions.newBuilder()
                                    .setWorkflowId(parentId + "/" + unit.substring("cell:".length()))
                                    .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                                    .build());
                    Promise<CellWorkflow.CellOutcome> p =
                            Async.function(child::run, new CellWorkflow.CellRequest(tasks, deps, cached, opts));
                    return p.handle((outcome, e) -> {
                        if (e != null) {
                            for (Node n : nodes) {
                                nodeState.put(n.id(), "failed");
                                failures.put(n.id(), Dag.describe(e));
                            }
                            throw e;
                        }
                        boolean ok = true;
                        intervals.addAll(outcome.intervals());
                        for (Map.Entry<String, String> s : outcome.states().entrySet()) {
                            String v = s.getValue();
                            if (v.equals("done") || v.equals("cached")) nodeState.put(s.getKey(), v);
                            else {
                                ok = false;
                                nodeState.put(s.getKey(), v.startsWith("failed") ? "failed" : "skipped");
                                failures.put(s.getKey(), v);
                            }
                        }
                        // Dependants outside the cell (the report) read every node; a partly failed cell still lets
                        // the report run and mark what is missing, so the cell unit itself counts as done.
                        return (Object) (ok ? "ok" : "partial");
                    });
                },
                () -> {});

        for (String unit : units.keySet()) {
            if (dag.state(unit) == Dag.State.SKIPPED)
                for (Node n : units.get(unit)) {
                    nodeState.put(n.id(), "skipped");
                    failures.putIfAbsent(n.id(), dag.reason(unit));
                }
        }
        finished = true;
        SweepStatus status = status();
        if (runId != null) bookkeeping.closeSweepRun(runId, status);
        return status;
    }

    /**
     * Issue #13 item 4: no history and no payload grows with the grid. This history holds the shared
     * nodes (synth, manipulate, edit, extract, normstats, reconstruct, finetune: tens to a few hundred),
     * the cache lookup in batches of {@link #LOOKUP_BATCH} keys, and one child per batch of cells
     * ({@link SubSweepWorkflow}); cells that share their inputs are batched (they become ready together,
     * so no cell waits longer than it did alone), at most ~{@link #TARGET_BATCHES} batches and
     * {@link #BATCH_PAYLOAD_BYTES} of tasks each. The report gets a reference to its input list in the store
     * ({@code publishReportInputs}) instead of every result node in its payload. Figures at 10x the paper
     * grid: BENCHMARKS.md "Bounded orchestration". Queries: nodes of running batches count as pending here;
     * {@link LiveStatus} adds the batches' own status.
     */
    private SweepStatus runBounded(SweepRequest request) {
        SweepConfig cfg = request.config();
        sweepName = cfg.sweep().name();
        ExperimentGraph graph = plan(request);
        Map<String, Node> byId = pure(graph::byId);
        pure(() -> {
            for (Node n : graph.nodes()) {
                nodeState.put(n.id(), "pending");
                nodeStage.put(n.id(), n.stage().id());
            }
        });
        StageOptions opts = new StageOptions(cfg.sweep().queues(), cfg.sweep().heartbeatSeconds(), 10);
        SweepActivities bookkeeping = bookkeeping(opts);
        String store = cfg.sweep().store();
        // From "cached-runs-async" on, the nodes found cached are recorded in the tracker beside the sweep, not
        // before it (three MLflow calls per node: about a minute for the paper grid's 2,045 on one server worker)
        boolean recordBeside = request.tracking() && cachedRunsVersion() == 1;
        String runId = !request.tracking()
                ? null
                : recordBeside
                        ? bookkeeping.openExecutionRunAlone(
                                request, Workflow.getInfo().getFirstExecutionRunId())
                        : openRun(bookkeeping, request);

        List<String> stageKeys = pure(() ->
                graph.nodes().stream().map(n -> n.stage().id() + "/" + n.key()).toList());
        SweepActivities cacheCheck = cacheCheck(opts);
        List<Promise<List<String>>> lookups = new ArrayList<>();
        for (int i = 0; i < stageKeys.size(); i += LOOKUP_BATCH) {
            List<String> part = new ArrayList<>(stageKeys.subList(i, Math.min(stageKeys.size(), i + LOOKUP_BATCH)));
            lookups.add(Async.function(cacheCheck::lookupCached, store, part));
        }
        Set<String> cachedKeys = new HashSet<>();
        for (Promise<List<String>> p : lookups) cachedKeys.addAll(p.get());
        Set<String> cachedIds = new HashSet<>();
        pure(() -> {
            for (Node n : graph.nodes()) if (cachedKeys.contains(n.stage().id() + "/" + n.key())) cachedIds.add(n.id());
        });

        Promise<Void> cachedRecorded = null;
        if (recordBeside) {
            String bits = pure(() -> {
                java.util.BitSet b = new java.util.BitSet();
                List<Node> all = graph.nodes();
                for (int i = 0; i < all.size(); i++)
                    if (cachedIds.contains(all.get(i).id())) b.set(i);
                return org.featmap.core.contract.CachedNodes.encode(b);
            });
            // the cache check's options: heartbeats, hours; a retry skips the runs already made
            cachedRecorded = Async.procedure(cacheCheck::recordCachedNodes, request, runId, bits);
        }

        Layout layout = WorkflowUnsafe.deadlockDetectorOff(() -> Layout.of(graph, cachedIds));
        Map<String, List<Node>> cells = layout.cells();
        List<Node> shared = layout.shared();
        Node report = layout.report();
        Map<String, List<String>> externalOf = layout.externalOf();
        List<List<String>> batches = layout.batches();
        pure(() -> {
            for (String cell : layout.cachedCells()) for (Node n : cells.get(cell)) nodeState.put(n.id(), "cached");
        });

        Dag<Object> dag = new Dag<>();
        for (Node n : shared) {
            dag.add(n.id(), n.inputs().stream().map(Node.Input::nodeId).toList());
            if (cachedIds.contains(n.id())) {
                dag.done(n.id(), null);
                nodeState.put(n.id(), "cached");
            }
        }
        Map<String, List<String>> batchCells = new LinkedHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            String unit = "batch:" + i;
            batchCells.put(unit, batches.get(i));
            dag.add(unit, externalOf.get(batches.get(i).get(0))); // the same inputs for every cell of a batch
        }
        if (report != null) {
            Set<String> deps = new java.util.LinkedHashSet<>();
            Map<String, String> batchOfCell = new HashMap<>();
            batchCells.forEach((u, l) -> l.forEach(c -> batchOfCell.put(c, u)));
            for (Node.Input in : report.inputs()) {
                Node dep = byId.get(in.nodeId());
                String u = dep.cell() == null ? dep.id() : batchOfCell.get(dep.cell());
                if (u != null) deps.add(u); // null: a fully cached cell, already done
            }
            if (cachedIds.contains(report.id())) {
                dag.done(report.id(), null);
                nodeState.put(report.id(), "cached");
            } else dag.addSoft(report.id(), new ArrayList<>(deps));
        }

        Stubs stubs = new Stubs(opts);
        String parentId = Workflow.getInfo().getWorkflowId();
        Node reportNode = report;
        dag.run(
                cfg.sweep().maxInFlight(),
                unit -> {
                    if (unit.startsWith("batch:"))
                        return runBatch(unit, batchCells.get(unit), cells, cachedIds, cfg, runId, byId, opts, parentId);
                    Node n = byId.get(unit);
                    Promise<NodeResult> p;
                    nodeState.put(n.id(), "running");
                    if (n == reportNode) {
                        // the report reads every result node: its input list goes through the store, not this payload
                        p = Async.function(bookkeeping::publishReportInputs, request)
                                .thenCompose(ref -> {
                                    NodeTask t = task(cfg, runId, n, byId);
                                    NodeTask byRef = new NodeTask(
                                            t.sweep(),
                                            t.sweepRunId(),
                                            t.nodeId(),
                                            t.stage(),
                                            t.key(),
                                            t.paramsJson(),
                                            List.of(),
                                            t.storeUri(),
                                            ref);
                                    return stubs.execute(byRef);
                                });
                    } else {
                        NodeTask t = task(cfg, runId, n, byId);
                        p = stubs.execute(t);
                    }
                    return p.handle((r, e) -> {
                        if (e != null) {
                            nodeState.put(n.id(), "failed");
                            fail(n.id(), Dag.describe(e));
                            throw e;
                        }
                        nodeState.put(n.id(), r.cached() ? "cached" : "done");
                        if (!r.cached())
                            intervals.add(new CellWorkflow.Interval(r.startedAtMillis(), r.computeMillis()));
                        return (Object) r;
                    });
                },
                () -> {});

        for (Node n : shared)
            if (dag.state(n.id()) == Dag.State.SKIPPED) {
                nodeState.put(n.id(), "skipped");
                fail(n.id(), dag.reason(n.id()));
            }
        if (report != null && dag.state(report.id()) == Dag.State.SKIPPED) {
            nodeState.put(report.id(), "skipped");
            fail(report.id(), dag.reason(report.id()));
        }
        for (Map.Entry<String, List<String>> b : batchCells.entrySet())
            if (dag.state(b.getKey()) == Dag.State.SKIPPED)
                for (String cell : b.getValue())
                    for (Node n : cells.get(cell)) {
                        nodeState.put(n.id(), "skipped");
                        fail(n.id(), dag.reason(b.getKey()));
                    }
        finished = true;
        SweepStatus status = pure(this::status);
        if (cachedRecorded != null) cachedRecorded.get();
        if (runId != null) bookkeeping.closeSweepRun(runId, status);
        return status;
    }

    /**
     * Pure bookkeeping over every node (20,000 at 10x the paper grid) in a workflow task: it makes no command,
     * but on a loaded machine (load 33 seen) can pass the SDK's 1 s deadlock detector, which then fails the task.
     */
    static <T> T pure(io.temporal.workflow.Functions.Func<T> f) {
        return WorkflowUnsafe.deadlockDetectorOff(f);
    }

    static void pure(io.temporal.workflow.Functions.Proc p) {
        WorkflowUnsafe.deadlockDetectorOff(p);
    }

    /**
     * The plan in a workflow task: pure, but ~1 s for 20,000 nodes on a loaded 2-core machine, past the SDK's
     * 1 s deadlock detector (it fired while replaying the demo at load 13). It makes no command, so turning the
     * detector off around it changes no history.
     */
    static ExperimentGraph plan(SweepRequest request) {
        return WorkflowUnsafe.deadlockDetectorOff(() -> Planner.plan(request.config(), request.fingerprints()));
    }

    /**
     * How a bounded sweep splits the graph: shared nodes (units of their own), the report, and the cells not
     * fully cached in batches of cells that read the same shared nodes.
     */
    record Layout(
            Map<String, List<Node>> cells,
            List<Node> shared,
            Node report,
            Map<String, List<String>> externalOf,
            List<List<String>> batches,
            List<String> cachedCells) {
        static Layout of(ExperimentGraph graph, Set<String> cachedIds) {
            Map<String, List<Node>> cells = new LinkedHashMap<>();
            List<Node> shared = new ArrayList<>();
            Node report = null;
            for (Node n : graph.nodes()) {
                if (n.cell() != null)
                    cells.computeIfAbsent(n.cell(), c -> new ArrayList<>()).add(n);
                else if (n.stage() == Stage.REPORT) report = n;
                else shared.add(n);
            }
            Map<String, List<String>> cellsByInputs = new LinkedHashMap<>();
            Map<String, List<String>> externalOf = new HashMap<>();
            List<String> cachedCells = new ArrayList<>();
            int toRun = 0;
            for (Map.Entry<String, List<Node>> c : cells.entrySet()) {
                if (c.getValue().stream().allMatch(n -> cachedIds.contains(n.id()))) {
                    cachedCells.add(c.getKey());
                    continue;
                }
                Set<String> inCell = new HashSet<>();
                for (Node n : c.getValue()) inCell.add(n.id());
                java.util.TreeSet<String> ext = new java.util.TreeSet<>();
                for (Node n : c.getValue())
                    for (Node.Input in : n.inputs()) if (!inCell.contains(in.nodeId())) ext.add(in.nodeId());
                externalOf.put(c.getKey(), new ArrayList<>(ext));
                cellsByInputs
                        .computeIfAbsent(String.join("\n", ext), k -> new ArrayList<>())
                        .add(c.getKey());
                toRun++;
            }
            int perBatch = Math.max(1, (toRun + TARGET_BATCHES - 1) / TARGET_BATCHES);
            List<List<String>> batches = new ArrayList<>();
            for (List<String> group : cellsByInputs.values()) {
                List<String> cur = new ArrayList<>();
                long bytes = 0;
                for (String cell : group) {
                    long b = estimatedBytes(cells.get(cell));
                    if (!cur.isEmpty() && (cur.size() >= perBatch || bytes + b > BATCH_PAYLOAD_BYTES)) {
                        batches.add(cur);
                        cur = new ArrayList<>();
                        bytes = 0;
                    }
                    cur.add(cell);
                    bytes += b;
                }
                if (!cur.isEmpty()) batches.add(cur);
            }
            return new Layout(cells, shared, report, externalOf, batches, cachedCells);
        }
    }

    /** One batch of cells as a child workflow; its outcome names only the nodes that did not compute. */
    private Promise<Object> runBatch(
            String unit,
            List<String> cellIds,
            Map<String, List<Node>> cells,
            Set<String> cachedIds,
            SweepConfig cfg,
            String runId,
            Map<String, Node> byId,
            StageOptions opts,
            String parentId) {
        List<SubSweepWorkflow.Cell> work = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (String cell : cellIds) {
            List<NodeTask> tasks = new ArrayList<>();
            Map<String, List<String>> deps = new LinkedHashMap<>();
            List<String> cached = new ArrayList<>();
            Set<String> inCell = new HashSet<>();
            for (Node n : cells.get(cell)) inCell.add(n.id());
            for (Node n : cells.get(cell)) {
                nodes.add(n);
                tasks.add(task(cfg, runId, n, byId));
                deps.put(
                        n.id(),
                        n.inputs().stream()
                                .map(Node.Input::nodeId)
                                .filter(inCell::contains)
                                .toList());
                if (cachedIds.contains(n.id())) cached.add(n.id());
                else nodeState.put(n.id(), "pending");
            }
            work.add(new SubSweepWorkflow.Cell(tasks, deps, cached));
        }
        String label = cellIds.get(0) + (cellIds.size() > 1 ? " (+" + (cellIds.size() - 1) + " cells)" : "");
        String childId = parentId + "/batch-" + unit.substring("batch:".length());
        SubSweepWorkflow child = Workflow.newChildWorkflowStub(
                SubSweepWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                        .setWorkflowId(childId)
                        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                        .build());
        liveBatches.put(unit, childId);
        Promise<SubSweepWorkflow.Outcome> p =
                Async.function(child::run, new SubSweepWorkflow.Request(label, work, opts));
        return p.handle((outcome, e) -> {
            liveBatches.remove(unit);
            if (e != null) {
                for (Node n : nodes)
                    if (!cachedIds.contains(n.id())) {
                        nodeState.put(n.id(), "failed");
                        fail(n.id(), Dag.describe(e));
                    }
                throw e;
            }
            for (Node n : nodes) if (!cachedIds.contains(n.id())) nodeState.put(n.id(), "done");
            for (String id : outcome.cached()) nodeState.put(id, "cached");
            for (Map.Entry<String, String> s : outcome.notDone().entrySet()) {
                nodeState.put(s.getKey(), s.getValue().startsWith("failed") ? "failed" : "skipped");
                fail(s.getKey(), s.getValue());
            }
            intervals.addAll(outcome.intervals());
            // like a partly failed cell before: the report still runs and marks what is missing
            return (Object) (outcome.notDone().isEmpty() ? "ok" : "partial");
        });
    }

    private int unlistedFailures;

    /** Records a failed or skipped node's reason; past {@link #MAX_LISTED_FAILURES} only the stage counts say it. */
    private void fail(String nodeId, String reason) {
        if (failures.containsKey(nodeId) || failures.size() < MAX_LISTED_FAILURES) failures.put(nodeId, reason);
        else unlistedFailures++;
    }

    /** Payload bytes of a cell's tasks, roughly (params JSON, ids and keys); deterministic. */
    static long estimatedBytes(List<Node> cell) {
        long b = 0;
        for (Node n : cell) {
            b += 400
                    + 2L * n.id().length()
                    + ContentKeys.canonicalJson(n.params()).length();
            b += 200L * n.inputs().size();
        }
        return b;
    }

    /**
     * The execution's tracking run. An execution is this workflow chain: its first run id survives
     * worker crashes, replays, retries and continue-as-new, and a new workflow (after this one ended,
     * another store, a new config) gets a new one, hence its own sweep run and child runs. Sub-sweeps
     * receive the run id in their NodeTasks ({@code sweepRunId}); they never open one.
     */
    private static String openRun(SweepActivities bookkeeping, SweepRequest request) {
        SweepConfig cfg = request.config();
        if (Workflow.getVersion("sweep-run-per-execution", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
            return bookkeeping.openSweepRun(
                    cfg.sweep().name(),
                    cfg.tracking().experiment(),
                    org.featmap.core.store.Sha256.hex(ContentKeys.canonicalJson(cfg))
                            .substring(0, 12));
        return bookkeeping.openExecutionRun(request, Workflow.getInfo().getFirstExecutionRunId());
    }

    private static NodeTask task(SweepConfig cfg, String runId, Node n, Map<String, Node> byId) {
        List<NodeTask.InputRef> ins = new ArrayList<>();
        for (Node.Input in : n.inputs()) {
            Node dep = byId.get(in.nodeId());
            ins.add(new NodeTask.InputRef(in.role(), dep.id(), dep.stage().id(), dep.key()));
        }
        return new NodeTask(
                cfg.sweep().name(),
                runId,
                n.id(),
                n.stage().id(),
                n.key(),
                ContentKeys.canonicalJson(n.params()),
                ins,
                cfg.sweep().store());
    }

    @Override
    public SweepStatus status() {
        return count(sweepName, nodeState, nodeStage, failures, finished, intervals, List.copyOf(liveBatches.values()));
    }

    /** Counts per stage from per-node states (shared by the sweep and its batches). */
    static SweepStatus count(
            String name,
            Map<String, String> nodeState,
            Map<String, String> nodeStage,
            Map<String, String> failures,
            boolean finished,
            List<CellWorkflow.Interval> intervals,
            List<String> live) {
        Map<String, int[]> c = new LinkedHashMap<>();
        for (Stage s : Stage.values()) c.put(s.id(), new int[6]);
        for (Map.Entry<String, String> e : nodeState.entrySet()) {
            int[] k = c.get(nodeStage.get(e.getKey()));
            k[0]++;
            switch (e.getValue()) {
                case "done" -> k[1]++;
                case "cached" -> {
                    k[1]++;
                    k[2]++;
                }
                case "running" -> k[3]++;
                case "failed" -> k[4]++;
                case "skipped" -> k[5]++;
                default -> {}
            }
        }
        Map<String, StageCount> stages = new LinkedHashMap<>();
        c.forEach((s, k) -> {
            if (k[0] > 0) stages.put(s, new StageCount(k[0], k[1], k[2], k[3], k[4], k[5]));
        });
        long compute = 0;
        for (CellWorkflow.Interval i : intervals) compute += i.millis();
        return new SweepStatus(name, stages, failures, finished, compute, busy(intervals), span(intervals), live);
    }

    /** From the earliest start to the latest end (0 for none). */
    static long span(List<CellWorkflow.Interval> list) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (CellWorkflow.Interval i : list) {
            first = Math.min(first, i.start());
            last = Math.max(last, i.start() + i.millis());
        }
        return list.isEmpty() ? 0 : last - first;
    }

    /** Length of the union of the intervals. */
    static long busy(List<CellWorkflow.Interval> list) {
        List<CellWorkflow.Interval> sorted = new ArrayList<>(list);
        sorted.sort(java.util.Comparator.comparingLong(CellWorkflow.Interval::start));
        long total = 0;
        long curStart = Long.MIN_VALUE;
        long curEnd = Long.MIN_VALUE;
        for (CellWorkflow.Interval i : sorted) {
            long s = i.start();
            long e = i.start() + i.millis();
            if (s > curEnd) {
                if (curEnd > curStart) total += curEnd - curStart;
                curStart = s;
                curEnd = e;
            } else curEnd = Math.max(curEnd, e);
        }
        if (curEnd > curStart) total += curEnd - curStart;
        return total;
    }
}
