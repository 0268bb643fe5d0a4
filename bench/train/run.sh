#!/usr/bin/env bash
# Training benchmark: samples/s of the mapping training loop (batch 32, COMBINED, accumulate 2,
# AdamW) in Java/DJL (TrainBench) vs PyTorch (bench_torch.py), both with 2 intra-op threads.
# Usage: [GRID=1] bench/train/run.sh [batches] [warmup]   (from anywhere; builds ml's test classes offline)
# GRID=1: every model type on every layer shape of the paper (slow: ~20 min on 2 cores with 2 1).
# ATTENTION=1: instead, the issue #15 transformer step at feat1/feat0 (bench/train/attention.sh [steps]; ~15 min,
# 12 GB at feat0 under the big-memory lock): `ATTENTION=1 bench/run.sh train`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${ATTENTION:-0}" == 1 ]]; then exec bench/train/attention.sh "$@"; fi
BATCHES="${1:-8}"
WARMUP="${2:-2}"
OUT=bench/out/train
mkdir -p "$OUT"
# one reactor run so featmap-core resolves to its target/classes; ml (built last) writes cp.txt last
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
: > "$OUT/java.txt"; : > "$OUT/python.txt"
SPECS=("linear 1024 9 9" "transformer 256 9 9")
if [[ "${GRID:-0}" == 1 ]]; then
  # every model type on each layer shape of the paper (spec §1: ConvNeXt-B feat0-3, SwinV2-B feat0); the
  # transformer only where batch 32 fits on this machine's 24 GB (feat1/feat0 need micro-batches on a GPU)
  SPECS=()
  for shape in "1024 9 9" "512 18 18" "256 36 36" "128 72 72" "1024 12 12"; do
    for t in linear mlp cnn; do SPECS+=("$t $shape"); done
  done
  SPECS+=("transformer 1024 9 9" "transformer 512 18 18" "transformer 1024 12 12")
fi
for spec in "${SPECS[@]}"; do
  # shellcheck disable=SC2086
  java -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn org.featmap.ml.train.bench.TrainBench $spec "$BATCHES" "$WARMUP" 2>/dev/null | tail -1 >> "$OUT/java.txt"
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=2 python3 -c "import torch,sys,runpy; torch.set_num_threads(2); sys.argv=['b']+sys.argv[1:]; runpy.run_path('bench/train/bench_torch.py', run_name='__main__')" $spec "$BATCHES" "$WARMUP" >> "$OUT/python.txt"
done
printf '%-26s %14s %16s %8s\n' shape java_samples_s python_samples_s ratio
join <(sort "$OUT/java.txt") <(sort "$OUT/python.txt") | while read -r op j p; do
  printf '%-26s %14s %16s %8.2f\n' "$op" "$j" "$p" "$(echo "$j / $p" | bc -l)"
done
