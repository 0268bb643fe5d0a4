#!/usr/bin/env bash
# A relaunch's cached nodes recorded as MLflow child runs (issue #13, relaunch with tracking): NodeRuns.recordCached
# (create, one log-batch, finish; four at a time) vs MLflow's Python client doing the same calls, against
# infra/local's MLflow (one server worker, SQLite), interleaved rounds. Usage: bench/tracking/run.sh [NODES] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
nodes=${1:-2045}; rounds=${2:-2}
run_dir="${FEATMAP_RUN_DIR:-$HOME/.cache/featmap-local}"
uri="${MLFLOW_TRACKING_URI:-http://127.0.0.1:5005}"
py="$run_dir/venv-mlflow/bin/python"
[[ -x "$py" ]] || { echo "bench/tracking: infra/local's MLflow is not installed (infra/local/mlflow.sh install)"; exit 2; }
out=bench/out/tracking; rm -rf "$out"; mkdir -p "$out"
mvn -B -q -o -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$out/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="activities/target/test-classes:activities/target/classes:ml/target/classes:core/target/classes:$(cat "$out/cp.txt")"
exp="bench-cached-runs-$(date +%s)"
echo "load: $(uptime)"
for i in $(seq "$rounds"); do
  java -Xmx1g -cp "$cp" org.featmap.activities.tracking.CachedRunsBench "$uri" "$nodes" "$exp" 2>>"$out/java.err" | tee -a "$out/java.txt"
  "$py" bench/tracking/mlflow_cached_runs.py "$uri" "$nodes" "$exp" 2>>"$out/py.err" | tee -a "$out/py.txt"
done
echo "load: $(uptime)"
python3 - "$out" <<'PY'
import re, sys, statistics as st
out = sys.argv[1]
def vals(f): return [float(m) for m in re.findall(r"record_s=([0-9.]+)", open(f"{out}/{f}").read())]
j, p = st.median(vals("java.txt")), st.median(vals("py.txt"))
print(f"cached runs: Java {j:.1f} s, MLflow's Python client {p:.1f} s, ratio {p/j:.2f} (>1: Java faster)")
PY
