#!/usr/bin/env bash
# Issue #15: one training step of the spec's transformer mapping (d 512, 8 heads, FFN 1024, 4 layers, input/output
# projection from 128 channels, batch 1, COMBINED loss, AdamW) at ConvNeXt feat1 (36×36 = 1,296 tokens) and feat0
# (72×72 = 5,184 tokens), dropout 0.2 and 0.0: peak RSS and step time, Java/DJL with libtorch's fused
# scaled_dot_product_attention (ml AttentionBench) vs PyTorch 2.7.1 (attention_torch.py), in one run, 2 threads each.
# Also: the fused path without the attention weights' dropout (what a CUDA step keeps) and batch 2, for the
# per-sample memory that MemoryBudget.microBatch budgets; the explicit attention at feat1 (the path before #15).
# First-step memory (the figure compared) = peak over a fresh process's first step; warm step = after a VmHWM reset.
# Usage: [FEAT0=0] bench/train/attention.sh [steps]   (takes the bench lock, and the big-memory lock for feat0)
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS="${1:-2}"
OUT=bench/out/train
mkdir -p "$OUT"
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
J=(java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP"
   org.featmap.ml.mapping.AttentionBench)
P=(python3 -c "import torch,sys,runpy; torch.set_num_threads(2); sys.argv=['a']+sys.argv[1:]; runpy.run_path('bench/train/attention_torch.py', run_name='__main__')")
RES="$OUT/attention.txt"
: > "$RES"
one() { # side hw batch p steps [mode]
  local lock=(flock /tmp/featmap-bench.lock)
  [ "$2" -ge 72 ] && lock=(flock /tmp/featmap-bigmem.lock flock /tmp/featmap-bench.lock)
  echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES"
  if [ "$1" = java ]; then
    "${lock[@]}" "${J[@]}" 128 "$2" "$2" "$3" "$4" "$5" "${6:-fused}" 2>/dev/null | tail -1 | tee -a "$RES"
  else
    "${lock[@]}" "${P[@]}" 128 "$2" "$2" "$3" "$4" "$5" | tail -1 | tee -a "$RES"
  fi
}
ratio() { # java line, python line
  local jp jt pp pt
  jp=$(sed -E 's/.*first_step_peak_MB ([0-9]+).*/\1/' <<<"$1"); jt=$(sed -E 's/.* step_s ([0-9.]+).*/\1/' <<<"$1")
  pp=$(sed -E 's/.*first_step_peak_MB ([0-9]+).*/\1/' <<<"$2"); pt=$(sed -E 's/.* step_s ([0-9.]+).*/\1/' <<<"$2")
  local jw pw; jw=$(sed -E 's/.* step_peak_MB ([0-9]+).*/\1/' <<<"$1"); pw=$(sed -E 's/.* step_peak_MB ([0-9]+).*/\1/' <<<"$2")
  local jP pP; jP=$(sed -E 's/.*process_peak_MB ([0-9]+).*/\1/' <<<"$1"); pP=$(sed -E 's/.*process_peak_MB ([0-9]+).*/\1/' <<<"$2")
  printf '  => memory Java/PyTorch: first step %.2f, warm step %.2f, process peak %.2f; speed (PyTorch time / Java time) %.2f\n' \
    "$(bc -l <<<"$jp / $pp")" "$(bc -l <<<"$jw / ($pw + 1)")" "$(bc -l <<<"$jP / $pP")" "$(bc -l <<<"$pt / $jt")" | tee -a "$RES"
}
block() { # hw steps
  for p in 0.2 0.0; do
    j=$(one java "$1" 1 "$p" "$2"); py=$(one python "$1" 1 "$p" "$2"); ratio "$j" "$py"
  done
  one java "$1" 1 0.2 "$2" fused-gpu-proxy >/dev/null
}
block 36 "$STEPS"
# per-sample slope (batch 2) and the explicit attention (the path before #15) at feat1
one java 36 2 0.2 "$STEPS" >/dev/null
one java 36 2 0.2 "$STEPS" fused-gpu-proxy >/dev/null
one java 36 1 0.2 "$STEPS" explicit >/dev/null
one java 36 1 0.0 "$STEPS" explicit >/dev/null
[ "${FEAT0:-1}" = 1 ] && block 72 2
echo "results: $RES"
