#!/usr/bin/env bash
# Metric benchmark: scikit-image/OpenCV (Python anchor) vs the Java implementations in ml.eval,
# plus the Java DDIM loop's cost outside the eps-network. Writes bench/results/metrics.md.
# Usage (repository root): bench/metrics/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -B -q -o -pl ml -am compile dependency:build-classpath -Dmdep.outputFile=/tmp/featmap_bench_cp.txt >/dev/null
CP="$ROOT/ml/target/classes:$ROOT/core/target/classes:$(cat /tmp/featmap_bench_cp.txt)"
OUT=$(mktemp -d)
javac -cp "$CP" -d "$OUT" bench/metrics/MetricsBench.java
PY=$(python3 bench/metrics/bench_metrics.py)
JAVA=$(java -Xmx2g -cp "$OUT:$CP" MetricsBench "$ROOT/ml/src/test/resources/fixtures/ddim" 2>/dev/null | tail -1)
python3 - "$PY" "$JAVA" <<'PYEOF' | tee bench/results/metrics.md
import json, sys, datetime, platform, os
py, jv = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("# Metric benchmark (ml.eval vs scikit-image / OpenCV)\n")
print(f"Command: `bench/metrics/run.sh`; date {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; "
      f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (machine shared with other agents: "
      "absolute figures are depressed and noisy); random uint8 images; single-threaded Java.\n")
print("| metric | image | Python ops/s | Java ops/s | Java/Python |\n|---|---|---|---|---|")
for k in sorted(py):
    name, size = k.rsplit("_", 1)
    print(f"| {name} | {size}x{size}x3 | {py[k]:.2f} | {jv[k]:.2f} | {jv[k]/py[k]:.2f}x |")
print("\nDDIM loop (tiny TorchScript eps-net of the parity test, 50 steps, batched guidance): "
      f"{jv['ddim_total_ms_per_sample']:.1f} ms per sample, {jv['ddim_outside_eps_ms_per_step']:.3f} ms per step "
      f"outside the eps call ({100*jv['ddim_outside_fraction_tiny_eps']:.1f}% of the sampler's time with a "
      "network that costs almost nothing; with FeatInv's ControlNet+UNet, seconds per call on CPU, the same "
      "absolute overhead is far below 5%).")
PYEOF
