#!/usr/bin/env bash
# MLflow tracking server from PyPI in a venv under .run/, SQLite backend store, artifacts in the local
# S3 server (s3://featmap-mlflow/). The server does not proxy artifacts (--no-serve-artifacts): runs get
# s3:// artifact URIs and clients (the Java tracker, through the S3 SDK) upload there directly; the server
# still lists them (boto3 + MLFLOW_S3_ENDPOINT_URL). The server's job runner (a dozen huey consumer
# processes for GenAI jobs that FeatMap does not use) is switched off.
# usage: mlflow.sh install|installed|start|stop|status     (start needs s3.sh start first)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NAME=mlflow
VENV="$RUN_DIR/venv-mlflow"
DATA="$RUN_DIR/mlflow"
URL="http://127.0.0.1:$MLFLOW_PORT"
PIP_SPEC="mlflow==$MLFLOW_VERSION boto3==$BOTO3_VERSION"

installed() { [[ -x "$VENV/bin/mlflow" ]] && [[ "$(cat "$VENV/.featmap-spec" 2>/dev/null)" == "$PIP_SPEC" ]]; }

install() {
  if installed; then log $NAME "mlflow $MLFLOW_VERSION already installed"; return 0; fi
  command -v python3 >/dev/null || die $NAME "python3 is needed"
  log $NAME "installing $PIP_SPEC into $VENV"
  python3 -m venv "$VENV" || die $NAME "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q --disable-pip-version-check $PIP_SPEC >>"$LOG_DIR/mlflow-install.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/mlflow-install.log" >&2; die $NAME "pip install failed; log: $LOG_DIR/mlflow-install.log"; }
  "$VENV/bin/pip" freeze --disable-pip-version-check >"$VENV/.featmap-freeze"
  echo "$PIP_SPEC" >"$VENV/.featmap-spec"
  log $NAME "installed mlflow $("$VENV/bin/mlflow" --version | awk '{print $NF}')"
}

healthy() { http_get_ok "$URL/health" OK; }

start() {
  installed || die $NAME "not installed; run infra/local/mlflow.sh install"
  if [[ -n "$(running_pid $NAME)" ]]; then
    healthy && { log $NAME "already running on $URL"; return 0; }
  fi
  port_free "$MLFLOW_PORT" || die $NAME "port $MLFLOW_PORT is taken by another process (set FEATMAP_MLFLOW_PORT)"
  # The artifact store must answer first: the server lists artifacts from it.
  port_open "$S3_PORT" \
    || die $NAME "the local S3 server is not running on port $S3_PORT; run infra/local/s3.sh start first"
  mkdir -p "$DATA"
  AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_DEFAULT_REGION="$S3_REGION" \
  MLFLOW_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" \
  AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required \
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
  start_bg $NAME "$VENV/bin/mlflow" server \
    --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 \
    --backend-store-uri "sqlite:///$DATA/mlflow.db" \
    --default-artifact-root "s3://$MLFLOW_BUCKET/" --no-serve-artifacts
  wait_until $NAME 120 healthy
  log $NAME "running on $URL (sqlite $DATA/mlflow.db, artifacts s3://$MLFLOW_BUCKET/)"
}

status() {
  if [[ -n "$(running_pid $NAME)" ]] && healthy; then echo "mlflow: running on $URL"; else echo "mlflow: stopped"; return 1; fi
}

case "${1:-}" in
  install) timed "$NAME install" install ;;
  start) timed "$NAME start" start ;;
  stop) stop_bg $NAME ;;
  installed) installed ;;
  status) status ;;
  *) echo "usage: $0 install|installed|start|stop|status" >&2; exit 2 ;;
esac
