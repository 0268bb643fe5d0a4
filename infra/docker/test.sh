#!/usr/bin/env bash
# The compose stack end to end on this machine, with the images of build.sh (built first; cached):
#  1. up: S3 (S3Proxy), MLflow, Temporal (CLI dev server), Prometheus and two CPU worker containers
#     (they also serve config/demo.yaml's featmap-gpu queue), on host ports of its own;
#  2. `featmap run config/demo.yaml --temporal ... --store s3://featmap/store?pathStyle=true --mlflow ...
#     --no-workers` from the host: all work runs in the containers;
#  3. once a worker container is training a cell, `docker kill` it; the sweep must still complete (the
#     train activity times out on its heartbeat and is retried on the other container);
#  4. Prometheus (scraping the workers' /metrics) must answer a query with the sweep's progress;
#  5. optionally (FEATMAP_DOCKER_FAULT_IT=1, default on) one fault test through the Testcontainers path
#     (FEATMAP_SERVICES=containers) on the locally built images.
# Prints one PASS/FAIL line per check and the timings; exit 0 only when all pass. The stack is removed at
# the end (volumes too) unless FEATMAP_KEEP_STACK=1; images stay cached.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
T0=$(date +%s)
since() { echo "$(( $(date +%s) - $1 )) s"; }
FAILS=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; FAILS=$((FAILS + 1)); }

t=$(date +%s); "$DOCKER_DIR/build.sh"; BUILD_TIME=$(since $t)

BASE="${FEATMAP_DOCKER_PORT_BASE:-17000}"
export COMPOSE_PROJECT_NAME="${FEATMAP_COMPOSE_PROJECT:-featmap-test}"
export FEATMAP_TEMPORAL_PORT=$((BASE + 233)) FEATMAP_TEMPORAL_UI_PORT=$((BASE + 234)) FEATMAP_MLFLOW_PORT=$((BASE + 500)) \
  FEATMAP_S3_PORT=$((BASE + 900)) FEATMAP_PROMETHEUS_PORT=$((BASE + 90))
export FEATMAP_CPU_QUEUES=featmap-cpu,featmap-gpu,featmap-edit
export FEATMAP_SHARED="$REPO_ROOT/models"   # the demo's backbone exports, at the path the CLI resolves
WORK="$(mktemp -d)"
# a fresh secret per run, in a file only root reads: the stack's env_file (FEATMAP_ENV_FILE)
S3_SECRET="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
(umask 077; printf 'AWS_ACCESS_KEY_ID=featmap-test\nAWS_SECRET_ACCESS_KEY=%s\nAWS_REGION=us-east-1\n' "$S3_SECRET" >"$WORK/env")
export FEATMAP_ENV_FILE="$WORK/env"
DC=(compose -f "$REPO_ROOT/infra/compose.yaml")
cleanup() {
  if [[ "${FEATMAP_KEEP_STACK:-0}" == 1 ]]; then log test "stack kept: COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME"; return; fi
  "${DC[@]}" down -v --remove-orphans >"$WORK/down.log" 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

t=$(date +%s)
"${DC[@]}" up -d --no-build --scale worker-cpu=2 s3 mlflow temporal prometheus worker-cpu >"$WORK/up.log" 2>&1 \
  || { cat "$WORK/up.log" >&2; fail "compose up"; exit 1; }
healthy_workers() { dk ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --filter "label=com.docker.compose.service=worker-cpu" \
  --filter health=healthy -q | wc -l; }
for _ in $(seq 1 120); do [[ "$(healthy_workers)" -ge 2 ]] && break; sleep 2; done
if [[ "$(healthy_workers)" -ge 2 ]]; then pass "compose up: s3, mlflow, temporal, prometheus, 2 x worker-cpu healthy ($(since $t))"
else "${DC[@]}" ps >&2; "${DC[@]}" logs --tail 30 worker-cpu >&2; fail "workers not healthy after 240 s"; exit 1; fi
UP_TIME=$(since $t)

# the host's featmap reaches the same services at the published ports
export AWS_ACCESS_KEY_ID=featmap-test AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL_S3="http://127.0.0.1:$FEATMAP_S3_PORT" MLFLOW_S3_ENDPOINT_URL="http://127.0.0.1:$FEATMAP_S3_PORT"
t=$(date +%s)
./featmap run config/demo.yaml --temporal "127.0.0.1:$FEATMAP_TEMPORAL_PORT" --store "s3://featmap/store?pathStyle=true" \
  --mlflow "http://127.0.0.1:$FEATMAP_MLFLOW_PORT" --no-workers >"$WORK/run.log" 2>&1 &
RUN_PID=$!

# the Temporal CLI inside the temporal container answers which worker runs which activity
tctl() { "${DC[@]}" exec -T temporal temporal --address 127.0.0.1:7233 "$@"; }
victim="" cell=""
for _ in $(seq 1 600); do
  kill -0 $RUN_PID 2>/dev/null || break
  for wf in $(tctl workflow list --query "ExecutionStatus='Running' AND WorkflowType='CellWorkflow'" -o json 2>/dev/null \
      | python3 -c 'import json,sys; [print(w["execution"]["workflowId"]) for w in json.load(sys.stdin) or []]' 2>/dev/null); do
    ident="$(tctl workflow describe -w "$wf" -o json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for a in d.get("pendingActivities") or []:
    if a.get("activityType", {}).get("name") == "train" and a.get("state") == "PENDING_ACTIVITY_STATE_STARTED" and a.get("heartbeatDetails"):
        print(a.get("lastWorkerIdentity", "")); break' 2>/dev/null)"
    if [[ -n "$ident" ]]; then victim="${ident#*@}"; cell="$wf"; break 2; fi
  done
  sleep 2
done
if [[ -n "$victim" ]]; then
  cid="$(dk ps -q --no-trunc --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" | grep "^$victim" | head -n1)"
  KILL_AT=$(since $t)
  if [[ -n "$cid" ]] && dk kill "$cid" >/dev/null; then pass "killed worker container ${victim} while it trained cell $cell (at $KILL_AT into the sweep)"
  else fail "could not kill container of worker identity $victim"; fi
else
  fail "never saw a worker container training a cell (sweep ended first?)"
fi

wait $RUN_PID; RC=$?
RUN_TIME=$(since $t)
tail -n 25 "$WORK/run.log"
if [[ $RC == 0 ]]; then pass "featmap run config/demo.yaml through the worker containers completed, exit 0 ($RUN_TIME)"
else fail "featmap run exited $RC ($RUN_TIME); log above"; fi

if [[ -n "$cell" ]]; then
  # the killed attempt timed out on its heartbeat and a later attempt on the other container finished it
  tctl workflow show -w "$cell" -o json >"$WORK/cell.json" 2>/dev/null || true
  python3 - "$WORK/cell.json" "$victim" <<'PY' && pass "the cell's train activity was retried on another worker and completed" || fail "no retry of the killed train attempt completed elsewhere"
import json, sys
h = json.load(open(sys.argv[1])); victim = sys.argv[2]
ev = h.get("events") or []
sched = {e["eventId"] for e in ev if e.get("eventType") == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
         and e["activityTaskScheduledEventAttributes"]["activityType"]["name"] == "train"}
started = [e for e in ev if e.get("eventType") == "EVENT_TYPE_ACTIVITY_TASK_STARTED"
           and e["activityTaskStartedEventAttributes"]["scheduledEventId"] in sched]
done = [e for e in ev if e.get("eventType") == "EVENT_TYPE_ACTIVITY_TASK_COMPLETED"
        and e["activityTaskCompletedEventAttributes"]["scheduledEventId"] in sched]
att = [s["activityTaskStartedEventAttributes"] for s in started]
ok = bool(done) and any(int(a.get("attempt", 1)) > 1 and victim not in a.get("identity", "") for a in att)
print("train attempts: " + ", ".join(f'#{a.get("attempt", 1)} on {a.get("identity")}' for a in att) + f"; completed: {bool(done)}")
sys.exit(0 if ok else 1)
PY
fi

# Prometheus scraped the sweep's progress from the CPU workers' /metrics (FEATMAP_METRICS_SWEEPS)
q='sum(max by (stage) (max_over_time(featmap_nodes_done[2h])))'
prom="$(python3 - "http://127.0.0.1:$FEATMAP_PROMETHEUS_PORT" "$q" <<'PY'
import json, sys, urllib.parse, urllib.request
base, q = sys.argv[1], sys.argv[2]
def val(query):
    r = json.load(urllib.request.urlopen(base + "/api/v1/query?" + urllib.parse.urlencode({"query": query}), timeout=10))
    res = r["data"]["result"]
    return float(res[0]["value"][1]) if res else 0.0
done = val(q); planned = val(q.replace("featmap_nodes_done", "featmap_nodes_planned"))
print(f"{done:.0f} {planned:.0f}")
PY
)" || prom="0 0"
read -r pdone pplanned <<<"$prom"
if [[ "${pdone:-0}" -gt 0 && "${pplanned:-0}" -gt 0 ]]; then pass "Prometheus: '$q' = $pdone nodes done of $pplanned planned"
else fail "Prometheus has no sweep progress ($prom)"; fi

if [[ "${FEATMAP_DOCKER_FAULT_IT:-1}" == 1 ]]; then
  t=$(date +%s)
  # Testcontainers' reaper (ryuk) and its tiny helper image (alpine, for checks) come from no registry here:
  # no reaper (Containers.java removes its containers), the local Debian base as the helper;
  # the test's own S3 credentials are the containers' (Containers.java), not this stack's
  if env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL_S3 -u MLFLOW_S3_ENDPOINT_URL \
     FEATMAP_SERVICES=containers TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true \
     TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=featmap-debian:bookworm CI=true \
     mvn -o -B -q -pl workers -am verify -Dit.test=ObjectStoreOutageIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
     -Dfailsafe.failIfNoSpecifiedTests=false >"$WORK/it.log" 2>&1; then
    pass "ObjectStoreOutageIT through Testcontainers on the local images ($(since $t))"
  else tail -n 40 "$WORK/it.log"; fail "ObjectStoreOutageIT through Testcontainers ($(since $t))"; fi
fi

echo "timings: build.sh $BUILD_TIME, compose up to healthy $UP_TIME, sweep $RUN_TIME, total $(since $T0) (load: $(cut -d' ' -f1-3 /proc/loadavg))"
[[ $FAILS == 0 ]] && echo "infra/docker/test.sh: PASS" || { echo "infra/docker/test.sh: FAIL ($FAILS)"; exit 1; }
