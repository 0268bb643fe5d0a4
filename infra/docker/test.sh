#!/usr/bin/env bash
# The compose stack end to end on this machine, with the images of build.sh (built first; cached):
#  1. up: S3 (S3Proxy), MLflow, Temporal (the full server on PostgreSQL), Prometheus and two CPU worker
#     containers (they also serve config/demo.yaml's featmap-gpu queue), on host ports of its own;
#  2. `featmap run config/demo.yaml --temporal ... --store s3://featmap/store?pathStyle=true --mlflow ...
#     --no-workers` from the host: all work runs in the containers;
#  3. once a worker container is training a cell and has uploaded an epoch checkpoint to the store, `docker
#     kill` it; the sweep must still complete (the train activity times out on its heartbeat, is retried on
#     the other container, which resumes from the store's checkpoint: the history and its log say so);
#  4. Prometheus (scraping the workers' /metrics) must answer a query with the sweep's progress, and the
#     Temporal server's PostgreSQL must hold the sweep (its workflow closed as completed in the visibility
#     database, executions and history rows in the temporal database);
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
DOCKER="$(pick_docker)"   # build.sh starts the engine, installing docker.io on a new machine
# the host's featmap (built on first use; before the stack is up so the sweep's time is the sweep's)
./featmap --version >/dev/null

BASE="${FEATMAP_DOCKER_PORT_BASE:-17000}"
export COMPOSE_PROJECT_NAME="${FEATMAP_COMPOSE_PROJECT:-featmap-test}"
export FEATMAP_TEMPORAL_PORT=$((BASE + 233)) FEATMAP_TEMPORAL_UI_PORT=$((BASE + 234)) FEATMAP_MLFLOW_PORT=$((BASE + 500)) \
  FEATMAP_S3_PORT=$((BASE + 900)) FEATMAP_PROMETHEUS_PORT=$((BASE + 90))
export FEATMAP_CPU_QUEUES=featmap-cpu,featmap-gpu,featmap-edit
export FEATMAP_SHARED="$REPO_ROOT/models"   # the demo's backbone exports, at the path the CLI resolves
WORK="$(mktemp -d)"
# a fresh secret per run, in a file only root reads: the stack's env_file (FEATMAP_ENV_FILE)
S3_SECRET="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
PG_SECRET="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
(umask 077; printf 'AWS_ACCESS_KEY_ID=featmap-test\nAWS_SECRET_ACCESS_KEY=%s\nAWS_REGION=us-east-1\nPOSTGRES_PASSWORD=%s\n' \
  "$S3_SECRET" "$PG_SECRET" >"$WORK/env")
export FEATMAP_ENV_FILE="$WORK/env"
# config/demo.yaml with a shorter heartbeat timeout (not part of any content key): after the kill, the train
# attempt times out and is retried after this many seconds instead of 120. Its relative paths resolve against
# the current folder (the repository), as config/demo.yaml's do.
HEARTBEAT="${FEATMAP_DOCKER_HEARTBEAT_SECONDS:-45}"
sed "s/^  heartbeat_seconds: .*/  heartbeat_seconds: $HEARTBEAT/" config/demo.yaml >"$WORK/demo.yaml"
grep -q "^  heartbeat_seconds: $HEARTBEAT\$" "$WORK/demo.yaml" || die test "could not set heartbeat_seconds in a copy of config/demo.yaml"
DC=(compose -f "$REPO_ROOT/infra/compose.yaml")
cleanup() {
  if [[ "${FEATMAP_KEEP_STACK:-0}" == 1 ]]; then log test "stack kept: COMPOSE_PROJECT_NAME=$COMPOSE_PROJECT_NAME"; return; fi
  "${DC[@]}" down -v --remove-orphans >"$WORK/down.log" 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

t=$(date +%s)
"${DC[@]}" up -d --no-build --scale worker-cpu=2 s3 mlflow postgres temporal prometheus worker-cpu >"$WORK/up.log" 2>&1 \
  || { cat "$WORK/up.log" >&2; fail "compose up"; exit 1; }
healthy_workers() { dk ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --filter "label=com.docker.compose.service=worker-cpu" \
  --filter health=healthy -q | wc -l; }
for _ in $(seq 1 120); do [[ "$(healthy_workers)" -ge 2 ]] && break; sleep 2; done
if [[ "$(healthy_workers)" -ge 2 ]]; then pass "compose up: s3, mlflow, postgres, temporal, prometheus, 2 x worker-cpu healthy ($(since $t))"
else "${DC[@]}" ps >&2; "${DC[@]}" logs --tail 30 worker-cpu >&2; fail "workers not healthy after 240 s"; exit 1; fi
UP_TIME=$(since $t)
# the Temporal server's start: from its container's start to its entrypoint's "serving" line (schemas, server,
# namespace)
TEMPORAL_START="$(dk logs "$("${DC[@]}" ps -q temporal)" 2>&1 | sed -n 's/.*serving on :7233.*(\([0-9]*\) s after start).*/\1 s/p' | tail -n1 || true)"

# the host's featmap reaches the same services at the published ports
export AWS_ACCESS_KEY_ID=featmap-test AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL_S3="http://127.0.0.1:$FEATMAP_S3_PORT" MLFLOW_S3_ENDPOINT_URL="http://127.0.0.1:$FEATMAP_S3_PORT"
t=$(date +%s)
./featmap run "$WORK/demo.yaml" --temporal "127.0.0.1:$FEATMAP_TEMPORAL_PORT" --store "s3://featmap/store?pathStyle=true" \
  --mlflow "http://127.0.0.1:$FEATMAP_MLFLOW_PORT" --no-workers >"$WORK/run.log" 2>&1 &
RUN_PID=$!

# the Temporal CLI inside the temporal container reads the histories (docker exec: docker-compose v1's exec
# starts a Python process per call)
TEMPORAL_CID="$("${DC[@]}" ps -q temporal)"
# Wait for a train node with an epoch checkpoint in the store and not committed yet, and kill the container
# training it (e2e.py: the store's checkpoint index through the S3 API, the node's scratch in a worker's /work;
# Temporal's view of heartbeats lags by up to 0.8 x the heartbeat timeout, longer than a demo cell trains).
# Each worker container has its own /work volume: the retry on the other container has only the store's copy.
victim="" key="" epochs=""
found="$(RUN_PID=$RUN_PID python3 "$DOCKER_DIR/e2e.py" victim "$DOCKER" "$COMPOSE_PROJECT_NAME" featmap/store 1800)" || true
if [[ -n "$found" ]]; then
  read -r victim key epochs <<<"$found"
  KILL_AT=$(since $t)
  # e2e.py froze the container, saw the node still uncommitted, and killed it
  if [[ "$(dk inspect -f '{{.State.Running}}' "$victim" 2>/dev/null)" == false ]]; then
    pass "killed worker container ${victim:0:12} while it trained node train/${key:0:12} (store checkpoint of epoch(s) $epochs; $KILL_AT into the sweep)"
  else fail "could not kill worker container ${victim:0:12}"; fi
else
  fail "never saw a worker container training a cell with a checkpoint in the store (sweep ended first?)"
fi

RC=0; wait $RUN_PID || RC=$?
RUN_TIME=$(since $t)
tail -n 3 "$WORK/run.log"
if [[ $RC == 0 ]]; then pass "featmap run config/demo.yaml through the worker containers completed, exit 0 ($RUN_TIME)"
else tail -n 40 "$WORK/run.log"; fail "featmap run exited $RC ($RUN_TIME); log above"; fi

if [[ -n "$victim" ]]; then
  # the killed attempt timed out on its heartbeat and a later attempt on the other container completed it ...
  if python3 "$DOCKER_DIR/e2e.py" history "$DOCKER" "$TEMPORAL_CID" "$key" "$victim"; then
    pass "train/${key:0:12}: a later attempt on another container completed it"
  else fail "train/${key:0:12}: no later attempt on another container completed it"; fi
  # ... resuming from the store's checkpoint, not from scratch (StoreCheckpoints.restore logs it at WARN)
  last="${epochs##*,}" resumed=""
  for c in $(dk ps -q --no-trunc --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --filter "label=com.docker.compose.service=worker-cpu"); do
    [[ "$c" == "$victim" ]] && continue
    resumed="$(dk logs "$c" 2>&1 | grep -F "train-$key: resuming from the store's checkpoint of epoch" | head -n1 || true)"
    [[ -n "$resumed" ]] && break
  done
  re="of epoch ([0-9]+)"
  if [[ "$resumed" =~ $re ]] && (( BASH_REMATCH[1] >= last )); then
    pass "the other container resumed train/${key:0:12} from the store's checkpoint of epoch ${BASH_REMATCH[1]} (the index had $epochs at the kill)"
  else fail "no other container logged resuming train/${key:0:12} from the store's checkpoint of epoch >= $last"; fi
  [[ "$(dk inspect -f '{{.State.Running}}' "$victim" 2>/dev/null)" == false ]] || fail "the killed container ${victim:0:12} runs again (restart policy)"
fi

# Prometheus scraped the sweep's progress from the CPU workers' /metrics (FEATMAP_METRICS_SWEEPS)
sweep="$(sed -n 's/.*started as workflow \([^ ]*\) (\([0-9]*\) nodes).*/\1 \2/p' "$WORK/run.log" | head -n1)"
read -r sweep_id sweep_nodes <<<"${sweep:-none 0}"
q="sum(max by (stage) (max_over_time(featmap_nodes_done{sweep=\"$sweep_id\"}[2h])))"
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
if [[ "${pdone:-0}" -gt 0 && "${pplanned:-0}" == "$sweep_nodes" ]]; then
  pass "Prometheus: $q = $pdone nodes done, $pplanned planned (the sweep's $sweep_nodes)"
else fail "Prometheus has not the sweep's progress: done $pdone, planned $pplanned of $sweep_nodes ($q)"; fi

# the sweep went through PostgreSQL: the server's tables, read with psql in the postgres container
PG_CID="$("${DC[@]}" ps -q postgres)"
psql_q() { dk exec "$PG_CID" psql -U temporal -d "$1" -tAc "$2" 2>/dev/null | tr -d ' ' || true; }
pg_done="$(psql_q temporal_visibility "select count(*) from executions_visibility where workflow_id = '$sweep_id' and status = 2")"
pg_runs="$(psql_q temporal_visibility "select count(*) from executions_visibility")"
pg_execs="$(psql_q temporal "select count(*) from executions")"
pg_hist="$(psql_q temporal "select count(*) from history_node")"
pg_ns="$(psql_q temporal "select string_agg(name, ',' order by name) from namespaces")"
if [[ "${pg_done:-0}" == 1 && "${pg_execs:-0}" -gt 0 && "${pg_hist:-0}" -gt 0 && ",$pg_ns," == *,default,* ]]; then
  pass "PostgreSQL holds the sweep: $sweep_id completed in temporal_visibility.executions_visibility ($pg_runs workflow runs), temporal.executions $pg_execs rows, history_node $pg_hist, namespaces $pg_ns"
else fail "PostgreSQL has not the sweep: completed $pg_done, executions $pg_execs, history_node $pg_hist, namespaces '$pg_ns'"; fi

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

echo "timings: build.sh $BUILD_TIME, compose up to healthy $UP_TIME (Temporal server start ${TEMPORAL_START:-?}), sweep $RUN_TIME, total $(since $T0) (load: $(cut -d' ' -f1-3 /proc/loadavg))"
[[ $FAILS == 0 ]] && echo "infra/docker/test.sh: PASS" || { echo "infra/docker/test.sh: FAIL ($FAILS)"; exit 1; }
