#!/usr/bin/env bash
# Temporal dev server (the Temporal CLI's `server start-dev`) with a SQLite file, on loopback.
# install: builds the CLI from the Go module proxy at a pinned version into .run/bin (needs Go).
# usage: temporal.sh install|installed|start|stop|status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NAME=temporal
TEMPORAL_BIN="$BIN_DIR/temporal"
DB_DIR="$RUN_DIR/temporal"
TARGET="127.0.0.1:$TEMPORAL_PORT"

installed() { [[ -x "$TEMPORAL_BIN" ]] && [[ "$(cat "$RUN_DIR/temporal.version" 2>/dev/null)" == "$TEMPORAL_CLI_VERSION" ]]; }

install() {
  if installed; then log $NAME "temporal CLI $TEMPORAL_CLI_VERSION already installed"; return 0; fi
  command -v go >/dev/null || die $NAME "Go is needed to build the Temporal CLI (go install); install Go >= 1.23"
  log $NAME "building temporal CLI $TEMPORAL_CLI_VERSION with $(go version | cut -d' ' -f3) (several minutes)"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >>"$LOG_DIR/temporal-install.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/temporal-install.log" >&2; die $NAME "go install failed; log: $LOG_DIR/temporal-install.log"; }
  echo "$TEMPORAL_CLI_VERSION" >"$RUN_DIR/temporal.version"
  log $NAME "installed $("$TEMPORAL_BIN" --version | head -n1)"
}

healthy() { "$TEMPORAL_BIN" operator cluster health --address "$TARGET" 2>/dev/null | grep -q SERVING; }

start() {
  installed || die $NAME "not installed; run infra/local/temporal.sh install"
  if [[ -n "$(running_pid $NAME)" ]]; then
    healthy && { log $NAME "already running on $TARGET"; return 0; }
  fi
  port_free "$TEMPORAL_PORT" || die $NAME "port $TEMPORAL_PORT is taken by another process (set FEATMAP_TEMPORAL_PORT)"
  mkdir -p "$DB_DIR"
  local ui=(--ui-port "$TEMPORAL_UI_PORT")
  [[ "$TEMPORAL_UI_PORT" == 0 ]] && ui=(--headless)
  # One partition per task queue: with the server's default of four, a task whose poller waits on another
  # partition is forwarded between them, ~40 ms per node at a sweep's rate (demo on this server: 4.3 s between
  # nodes with four, 1.7 s with one; BENCHMARKS.md "The paper grid at toy size")
  start_bg $NAME "$TEMPORAL_BIN" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" "${ui[@]}" \
    --db-filename "$DB_DIR/temporal.db" --namespace default --log-level warn \
    --dynamic-config-value matching.numTaskqueueReadPartitions=1 --dynamic-config-value matching.numTaskqueueWritePartitions=1
  wait_until $NAME 60 healthy
  log $NAME "running on $TARGET (sqlite $DB_DIR/temporal.db$([[ "$TEMPORAL_UI_PORT" != 0 ]] && echo ", UI http://127.0.0.1:$TEMPORAL_UI_PORT"))"
}

status() {
  if [[ -n "$(running_pid $NAME)" ]] && healthy; then echo "temporal: running on $TARGET"; else echo "temporal: stopped"; return 1; fi
}

case "${1:-}" in
  install) timed "$NAME install" install ;;
  start) timed "$NAME start" start ;;
  stop) stop_bg $NAME ;;
  installed) installed ;;
  status) status ;;
  *) echo "usage: $0 install|installed|start|stop|status" >&2; exit 2 ;;
esac
