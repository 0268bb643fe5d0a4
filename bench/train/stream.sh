#!/usr/bin/env bash
# Training step time with batches streamed from the Arrow feature store vs from memory (issue #5,
# goal <= 1.05x), Java only, both in one process (StreamBench); and the peak memory of one
# transformer training step on feat0-sized maps (MemBench, VmHWM of the process).
# Usage: bench/train/stream.sh [batches] [warmup]   (from anywhere; builds ml's test classes offline)
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCHES="${1:-24}"
WARMUP="${2:-2}"
OUT=bench/out/train
mkdir -p "$OUT"
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
J=(java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP")
for spec in "linear 1024 9 9 128 float32 none" "linear 1024 9 9 128 float16 zstd"; do
  set -- $spec
  "${J[@]}" org.featmap.ml.train.bench.StreamBench "$1" "$2" "$3" "$4" "$5" "$BATCHES" "$WARMUP" "$6" "$7" 2>/dev/null | tail -1
done
if [ "${MEM:-1}" = 1 ]; then
  for spec in "36 36 1 4 on" "36 36 1 4 off" "72 72 1 1 off" "72 72 1 1 on"; do
    # shellcheck disable=SC2086
    "${J[@]}" org.featmap.ml.train.bench.MemBench transformer 128 $spec 2>/dev/null | tail -1
  done
fi
