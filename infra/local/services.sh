#!/usr/bin/env bash
# All local services the tests need: S3 first (MLflow stores its artifacts there), then MLflow, Temporal.
# usage: services.sh install|installed|start|stop|status   (installed: exit 0 when all three are installed)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
  install|start) for s in s3 mlflow temporal; do "$HERE/$s.sh" "$1"; done ;;
  stop) for s in temporal mlflow s3; do "$HERE/$s.sh" stop; done ;;
  installed) for s in s3 mlflow temporal; do "$HERE/$s.sh" installed || exit 1; done ;;
  status) rc=0; for s in s3 mlflow temporal; do "$HERE/$s.sh" status || rc=1; done; exit $rc ;;
  *) echo "usage: $0 install|installed|start|stop|status" >&2; exit 2 ;;
esac
