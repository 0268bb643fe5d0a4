package org.featmap.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
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
import org.featmap.core.contract.StageActivities;
import org.featmap.core.contract.SweepActivities;
import org.featmap.core.contract.SweepRequest;
import org.featmap.core.contract.SweepStatus;
import org.featmap.core.contract.SweepStatus.StageCount;
import org.featmap.core.graph.ContentKeys;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.graph.Stage;

public final class SweepWorkflowImpl implements SweepWorkflow {
  /** Per node: pending, running, done, cached, failed, skipped. */
  private final Map<String, String> nodeState = new LinkedHashMap<>();
  private final Map<String, String> nodeStage = new HashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final List<CellWorkflow.Interval> intervals = new ArrayList<>();
  private String sweepName = "";
  private boolean finished;

  @Override
  public SweepStatus run(SweepRequest request) {
    SweepConfig cfg = request.config();
    sweepName = cfg.sweep().name();
    ExperimentGraph graph = Planner.plan(cfg, request.fingerprints());
    Map<String, Node> byId = graph.byId();
    for (Node n : graph.nodes()) {
      nodeState.put(n.id(), "pending");
      nodeStage.put(n.id(), n.stage().id());
    }
    // 10 attempts with backoff 1 s x2 up to 2 min: a retryable fault (tracking server or object store
    // restarting, ~30-50 s for MLflow on a loaded machine) is ridden out for ~6 min; 6 attempts gave 31 s.
    StageOptions opts = new StageOptions(cfg.sweep().queues(), cfg.sweep().heartbeatSeconds(), 10);
    SweepActivities bookkeeping = Workflow.newActivityStub(SweepActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(opts.queueOf("default"))
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .build());
    String store = cfg.sweep().store();
    String runId = request.tracking() ? openRun(bookkeeping, request) : null;

    List<String> stageKeys = graph.nodes().stream().map(n -> n.stage().id() + "/" + n.key()).toList();
    // The cache check reads manifests only and heartbeats its progress (issue #13): its own options, so a
    // worker lost mid-check is noticed in a minute and a large store is not cut off at 10 minutes. Options
    // are not part of replay, so this needs no version marker.
    SweepActivities cacheCheck = Workflow.newActivityStub(SweepActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(opts.queueOf("default"))
            .setStartToCloseTimeout(Duration.ofHours(2))
            .setHeartbeatTimeout(Duration.ofMinutes(2))
            .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(10).build())
            .build());
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
    dag.run(cfg.sweep().maxInFlight(), unit -> {
      List<Node> nodes = units.get(unit);
      for (Node n : nodes) if (!cachedIds.contains(n.id())) nodeState.put(n.id(), "running");
      if (!unit.startsWith("cell:")) {
        Node n = nodes.get(0);
        NodeTask t = task(cfg, runId, n, byId);
        StageActivities a = stubs.forStage(n.stage().id());
        Promise<NodeResult> p = Async.function(() -> StageActivities.dispatch(a, t));
        return p.handle((r, e) -> {
          if (e != null) {
            nodeState.put(n.id(), "failed");
            failures.put(n.id(), Dag.describe(e));
            throw e;
          }
          nodeState.put(n.id(), r.cached() ? "cached" : "done");
          if (!r.cached()) intervals.add(new CellWorkflow.Interval(r.startedAtMillis(), r.computeMillis()));
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
        deps.put(n.id(), n.inputs().stream().map(Node.Input::nodeId).filter(inCell::contains).toList());
        if (cachedIds.contains(n.id())) cached.add(n.id());
      }
      CellWorkflow child = Workflow.newChildWorkflowStub(CellWorkflow.class,
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
    }, () -> {});

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
   * The execution's tracking run. An execution is this workflow chain: its first run id survives
   * worker crashes, replays, retries and continue-as-new, and a new workflow (after this one ended,
   * another store, a new config) gets a new one, hence its own sweep run and child runs. Sub-sweeps
   * receive the run id in their NodeTasks ({@code sweepRunId}); they never open one.
   */
  private static String openRun(SweepActivities bookkeeping, SweepRequest request) {
    SweepConfig cfg = request.config();
    if (Workflow.getVersion("sweep-run-per-execution", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
      return bookkeeping.openSweepRun(cfg.sweep().name(), cfg.tracking().experiment(),
          org.featmap.core.store.Sha256.hex(ContentKeys.canonicalJson(cfg)).substring(0, 12));
    return bookkeeping.openExecutionRun(request, Workflow.getInfo().getFirstExecutionRunId());
  }

  private static NodeTask task(SweepConfig cfg, String runId, Node n, Map<String, Node> byId) {
    List<NodeTask.InputRef> ins = new ArrayList<>();
    for (Node.Input in : n.inputs()) {
      Node dep = byId.get(in.nodeId());
      ins.add(new NodeTask.InputRef(in.role(), dep.id(), dep.stage().id(), dep.key()));
    }
    return new NodeTask(cfg.sweep().name(), runId, n.id(), n.stage().id(), n.key(),
        ContentKeys.canonicalJson(n.params()), ins, cfg.sweep().store());
  }

  @Override
  public SweepStatus status() {
    Map<String, int[]> c = new LinkedHashMap<>();
    for (Stage s : Stage.values()) c.put(s.id(), new int[6]);
    for (Map.Entry<String, String> e : nodeState.entrySet()) {
      int[] k = c.get(nodeStage.get(e.getKey()));
      k[0]++;
      switch (e.getValue()) {
        case "done" -> k[1]++;
        case "cached" -> { k[1]++; k[2]++; }
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
    return new SweepStatus(sweepName, stages, failures, finished, compute, busy(intervals), span(intervals));
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
