#!/usr/bin/env bash
# Decoder benchmark: training samples/s of the reconstruct.DecoderModel in DJL (DecoderBench) vs the same
# model in PyTorch (decoder_torch.py), same shapes / batch / Adam / L1, random data, one libtorch thread
# (on this shared 2-core machine two threads spin-wait and collapse), printed with the ratio Java/Python.
# Usage: bench/decoder/run.sh [steps]   (from the repo root; builds ml's test classes offline)
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS="${1:-40}"
OUT=bench/out/decoder
mkdir -p "$OUT"
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
printf '%-36s %10s %10s %7s\n' "config (C h w S width batch)" java_s_s torch_s_s ratio
# ConvNeXt-atto feat3 / feat2 at the test size, and feat3 / ConvNeXt-B-like feat3 at the default S=64
for cfg in "256 9 9 32 32 8" "128 18 18 32 32 8" "256 9 9 64 64 16" "1024 9 9 64 64 16"; do
  j=$(java -Xmx2g -cp "$CP" org.featmap.ml.reconstruct.bench.DecoderBench $cfg "$STEPS" 1 2>/dev/null | grep -o '[0-9.]* samples/s' | cut -d' ' -f1)
  p=$(OMP_NUM_THREADS=1 python3 bench/decoder/decoder_torch.py $cfg "$STEPS" 1 | grep -o '[0-9.]* samples/s' | cut -d' ' -f1)
  printf '%-36s %10s %10s %7.2f\n' "$cfg" "$j" "$p" "$(echo "$j / $p" | bc -l)"
done
