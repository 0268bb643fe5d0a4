#!/usr/bin/env bash
# The benchmark harness: every figure against its anchor measured in the same run (Python with
# PyTorch / Pillow / numpy / scikit-image on the same cores), printed as a ratio. The Python side is
# python/requirements-bench.txt (torch 2.7.1 from PyPI, not Debian's python3-torch), installed once by bench/venv.sh
# into a venv that this script puts first on PATH.
# Usage: bench/run.sh [images|extract|train|metrics|decoder|recon|orchestration|checkpoint|store|tracking ...]   (default: all but store)
# store needs infra/local's S3 server: infra/local/s3.sh start; eval "$(infra/local/env.sh)"; bench/run.sh store
# tracking needs infra/local's MLflow: infra/local/services.sh start; bench/run.sh tracking   (not part of 'all')
# cellbytes (6c) needs infra/local's S3 server too and runs a sweep on it: bench/run.sh cellbytes   (not part of 'all')
#        bench/run.sh papertoy   (the paper grid at toy size, tens of minutes: not part of 'all')
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# every bench/*/run.sh's python3 is the anchors' venv (bench/venv.sh makes it once)
bin="$(bench/venv.sh)" || exit 1
export PATH="$bin:$PATH"
all=(orchestration images metrics extract train decoder recon checkpoint)
sel=("$@"); [ ${#sel[@]} -eq 0 ] && sel=("${all[@]}")
rc=0
for b in "${sel[@]}"; do
  if [ -x "bench/$b/run.sh" ]; then
    echo "=== $b ($(date -u +%FT%TZ))"
    "bench/$b/run.sh" || { echo "bench $b failed"; rc=1; }
  else
    echo "=== $b: no bench/$b/run.sh"
  fi
done
exit $rc
