#!/usr/bin/env bash
# Issue #20 4(b)/(c): extraction end to end, Java ExtractStage vs PyTorch's ImageFolder + DataLoader with the same
# number of workers (decode processes / threads) and torch threads, on the same TorchScript: (b) a real backbone,
# (c) a near-zero-cost export (bench/extract/make_identity_export.py) so the figure is the rate at which each side
# can feed a fast GPU. Rounds interleave Python and Java; medians and per-round ratios. Appends bench/results/extract.md.
# Usage: [WARM=true] bench/extract/feed.sh [N_IMAGES=96] [BACKBONE_DIR=models/demo/convnext-atto-rand] [ROUNDS=3] [THREADS="1 2"]
# WARM=true: Java times a second run in the same JVM (the first pays libtorch's first TorchScript load and the JIT,
# 10-20 s here, once per worker process), the rate of a long extraction.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-96}
BACKBONE=${2:-models/demo/convnext-atto-rand}
ROUNDS=${3:-3}
THREADS=${4:-"1 2"}
WORK=$(mktemp -d /tmp/featmap-bench-feed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 bench/extract/make_images.py "$N" "$WORK/images" >/dev/null
python3 bench/extract/make_identity_export.py "$WORK/identity" >/dev/null
mvn -B -o -q -pl ml -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="ml/target/classes:$(cat ml/target/bench-cp.txt)"
: > "$WORK/lines"
for r in $(seq "$ROUNDS"); do
  for k in $THREADS; do
    for bb in "$BACKBONE" "$WORK/identity"; do
      kind=$([ "$bb" = "$BACKBONE" ] && echo model || echo identity)
      rm -rf "$WORK/py-out" "$WORK/java-f32"
      py=$(OMP_NUM_THREADS=$k python3 bench/extract/py_extract.py "$bb" "$WORK/images/augmented_train" "$WORK/py-out" \
        --threads "$k" --batch 16 --workers "$k" | python3 -c "import json,sys; print(json.load(sys.stdin)['img_per_s'])")
      rm -rf "$WORK/java-warm"
      j=$(OMP_NUM_THREADS=$k java -XX:ActiveProcessorCount="$k" -Dbench.threads="$k" -Dbench.warm="${WARM:-false}" -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED \
        -cp "$CP" bench/extract/ExtractBench.java "$bb" "$WORK/images/augmented_train" "$WORK" 0 e2e 2>/dev/null \
        | sed -n 's/^A java_img_per_s=\([0-9.]*\).*/\1/p')
      echo "$kind $k $py $j" | tee -a "$WORK/lines"
    done
  done
done
python3 - "$N" "$BACKBONE" "$ROUNDS" "$WORK/lines" "$(uptime)" <<'PY'
import os, sys, datetime, statistics as st
n, bb, rounds, lines, up = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4]).read().split("\n"), sys.argv[5]
rows = {}
for l in lines:
    if l.strip():
        kind, k, p, j = l.split()
        rows.setdefault((kind, int(k)), []).append((float(p), float(j)))
out = [f"## Feeding the forward ({datetime.datetime.now():%Y-%m-%d %H:%M}, `bench/extract/feed.sh {n} {bb} {rounds}`)", "",
       f"{n} JPEG 288x288 images, batch 16, float32; k = torch/libtorch threads = DataLoader num_workers = Java decode "
       f"threads (-XX:ActiveProcessorCount=k); Java warm: {os.environ.get('WARM', 'false')}; {rounds} interleaved rounds; load at the end: `{up.strip()}`.", "",
       "| export | k | PyTorch img/s (rounds) | Java img/s (rounds) | ratio per round | median ratio |", "|---|---|---|---|---|---|"]
for (kind, k), v in sorted(rows.items()):
    r = [j / p for p, j in v]
    out.append(f"| {'identity (forward ~0)' if kind == 'identity' else bb} | {k} | {', '.join('%.1f' % p for p, _ in v)} | "
               f"{', '.join('%.1f' % j for _, j in v)} | {', '.join('%.2f' % x for x in r)} | {st.median(r):.2f} |")
text = "\n".join(out) + "\n\n"
print(text)
open("bench/results/extract.md", "a").write(text)
PY
