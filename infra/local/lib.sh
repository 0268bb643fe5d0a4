# Shared helpers for the local service scripts (sourced, not run).
# Everything lives under infra/local/.run/ (git-ignored); every server binds 127.0.0.1 only.
set -euo pipefail

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${FEATMAP_RUN_DIR:-$LOCAL_DIR/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
BIN_DIR="$RUN_DIR/bin"
mkdir -p "$LOG_DIR" "$PID_DIR" "$BIN_DIR"

# Pinned versions (docs/SERVICES.md says how they were chosen).
MLFLOW_VERSION="${FEATMAP_MLFLOW_VERSION:-3.17.2}"
BOTO3_VERSION="${FEATMAP_BOTO3_VERSION:-1.44.8}"
S3PROXY_VERSION="${FEATMAP_S3PROXY_VERSION:-2.6.0}"
TEMPORAL_CLI_VERSION="${FEATMAP_TEMPORAL_CLI_VERSION:-v1.5.1}"

# Ports (loopback only).
MLFLOW_PORT="${FEATMAP_MLFLOW_PORT:-5005}"
S3_PORT="${FEATMAP_S3_PORT:-9005}"
TEMPORAL_PORT="${FEATMAP_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${FEATMAP_TEMPORAL_UI_PORT:-8233}"   # 0 = headless (no UI)

# Fixed credentials of the local S3 server. They are test values for a loopback server, not secrets;
# they can be overridden, and then no script prints the override's value.
S3_ACCESS_KEY="${FEATMAP_LOCAL_S3_ACCESS_KEY:-featmap-local}"
S3_SECRET_KEY="${FEATMAP_LOCAL_S3_SECRET_KEY:-featmap-local-secret}"
S3_REGION="us-east-1"
S3_BUCKETS="${FEATMAP_S3_BUCKETS:-featmap featmap-mlflow featmap-test}"
MLFLOW_BUCKET="featmap-mlflow"

log() { printf '[%s] %s\n' "$1" "$2" >&2; }
die() { printf '[%s] ERROR: %s\n' "$1" "$2" >&2; exit 1; }

# pid of a running service started by these scripts, or empty.
running_pid() {
  local f="$PID_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; else rm -f "$f"; fi
}

# start_bg NAME CMD...: starts CMD in its own session (so stop can end its whole process group).
start_bg() {
  local name="$1"; shift
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

# stop_bg NAME: TERM the process group this script started, KILL after 20 s.
stop_bg() {
  local name="$1" pid i
  pid="$(running_pid "$name")"
  if [[ -z "$pid" ]]; then log "$name" "not running"; return 0; fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name" "did not stop in 20 s; killing"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_DIR/$name.pid"
  log "$name" "stopped"
}

port_free() { ! port_open "$1"; }

# wait_until NAME SECONDS CMD...: polls CMD until it succeeds; fails with the log's tail.
wait_until() {
  local name="$1" secs="$2" i; shift 2
  for i in $(seq 1 $((secs * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -z "$(running_pid "$name")" ]]; then
      tail -n 20 "$LOG_DIR/$name.log" >&2 || true
      die "$name" "exited during start; log: $LOG_DIR/$name.log"
    fi
    sleep 0.5
  done
  tail -n 20 "$LOG_DIR/$name.log" >&2 || true
  die "$name" "not healthy after ${secs}s; log: $LOG_DIR/$name.log"
}

# timed LABEL CMD...: runs CMD and prints its wall time (used for the figures in docs/SERVICES.md).
timed() {
  local label="$1" t0 t1 ms; shift
  t0=$(date +%s%N)
  "$@"
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  log "$label" "took $((ms / 1000)).$(( (ms % 1000) / 100 )) s"
}

# http_get_ok URL [EXPECTED_SUBSTRING]: GET answered 2xx (and holds the substring). Uses python3, not
# curl, so the scripts need nothing beyond what a fresh Debian with python3 has.
http_get_ok() {
  python3 - "$1" "${2:-}" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if sys.argv[2] in r.read().decode("utf-8", "replace") else 1)
except Exception:
    sys.exit(1)
PY
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
