#!/usr/bin/env bash
# Issue #4 (b): float16 storage vs float32 on a linear mapping's best validation loss. Generates the
# demo's synthetic images (grayscale), extracts LAYER twice (float32 / float16 store, no compression)
# with the demo backbone, trains the same linear cell (seed 42, COMBINED, batch 8, lr 1e-3) on each.
# Usage: bench/extract/float16_loss.sh [classes] [per_class] [epochs] [layer]
set -euo pipefail
cd "$(dirname "$0")/../.."
CLASSES="${1:-4}"; PER_CLASS="${2:-25}"; EPOCHS="${3:-10}"; LAYER="${4:-feat3}"
OUT=bench/out/extract
mkdir -p "$OUT"
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP" org.featmap.ml.train.bench.Float16LossBench \
  models/demo/convnext-atto-rand "$LAYER" "$CLASSES" "$PER_CLASS" "$EPOCHS" "$WORK" 2>/dev/null | grep -E "^(feat|RESULT)"
