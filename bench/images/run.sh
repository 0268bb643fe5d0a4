#!/usr/bin/env bash
# Images benchmarks (issue #20 4(a), 4(d)), ratios Java/Python measured in the same run:
#  (d) images/s of resize+crop, each manipulation, JPEG encode and decode: Java (ImagesBench) vs Pillow/numpy
#      (bench_pillow.py), one thread each;
#  (a) the manipulate stage end to end on the same photos (open, convert RGB, resize+crop, the 12 operations,
#      13 JPEG q75 files per image): ManipulateStage with k threads vs the reference's Pillow loop with k
#      processes (manipulate_pillow.py), k = 1 and 2, ROUNDS interleaved rounds; Java cold (one run, JIT
#      warm-up included) and warm (after one untimed pass, the steady state of a long stage).
# Usage: bench/images/run.sh [seconds-per-op=2] [N_IMAGES=64] [ROUNDS=3]   (from the repo root; builds offline)
#   OPS=regex times only the per-op lines whose name matches (e.g. OPS='rotation_.*|mirror_.*|resize_crop');
#   ROUNDS 0 skips the manipulate stage. Java's manipulations write into a PixelBuffers pool as ManipulateStage does.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS="${1:-2}"
N="${2:-64}"
ROUNDS="${3:-3}"
OUT=bench/out/images
mkdir -p "$OUT"
python3 bench/images/bench_pillow.py --make-inputs "$OUT/inputs"
mvn -B -q -o -pl ml -am test-compile >/dev/null
CP="ml/target/classes:ml/target/test-classes:core/target/classes"
echo "load before: $(uptime)"
OPS="${OPS:-.*}"
OMP_NUM_THREADS=1 python3 bench/images/bench_pillow.py "$OUT/inputs" "$SECS" "$OPS" > "$OUT/python.txt"
java -XX:ActiveProcessorCount=1 -cp "$CP" org.featmap.ml.images.bench.ImagesBench "$OUT/inputs" "$SECS" "$OPS" > "$OUT/java.txt"
printf '%-26s %12s %12s %8s\n' op java_img_s python_img_s ratio
join <(sort "$OUT/java.txt") <(sort "$OUT/python.txt") | while read -r op j p; do
  printf '%-26s %12s %12s %8.2f\n' "$op" "$j" "$p" "$(echo "$j / $p" | bc -l)"
done
[[ "$ROUNDS" == 0 ]] && exit 0

W=$(mktemp -d /tmp/featmap-bench-manip.XXXXXX)
trap 'rm -rf "$W"' EXIT
python3 bench/images/manipulate_pillow.py --make-dataset "$W/ds" "$N"
: > "$W/lines"
for r in $(seq "$ROUNDS"); do
  for k in 1 2; do
    rm -rf "$W/py" "$W/j" "$W/j-warm" "$W/jw" "$W/jw-warm"
    py=$(python3 bench/images/manipulate_pillow.py "$W/ds" "$W/py" "$k" | python3 -c "import json,sys; print(json.load(sys.stdin)['img_per_s'])")
    jc=$(java -XX:ActiveProcessorCount="$k" -cp "$CP" org.featmap.ml.images.bench.ManipulateBench "$W/ds" "$W/j" "$k" \
      | python3 -c "import json,sys; print(json.load(sys.stdin)['img_per_s'])")
    jw=$(java -XX:ActiveProcessorCount="$k" -cp "$CP" org.featmap.ml.images.bench.ManipulateBench "$W/ds" "$W/jw" "$k" warm \
      | python3 -c "import json,sys; print(json.load(sys.stdin)['img_per_s'])")
    echo "$k $py $jc $jw" | tee -a "$W/lines"
  done
done
python3 - "$N" "$ROUNDS" "$W/lines" "$(uptime)" <<'PY'
import sys, statistics as st
n, rounds, lines, up = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().split("\n"), sys.argv[4]
rows = {}
for l in lines:
    if l.strip():
        k, p, c, w = l.split()
        rows.setdefault(int(k), []).append((float(p), float(c), float(w)))
print(f"\nmanipulate stage end to end, {n} photos (500x375 / 375x500 JPEG q90), 13 JPEG files each; {rounds} rounds; load after: {up.strip()}")
print("| k | Pillow loop img/s | Java cold img/s | Java warm img/s | cold ratio | warm ratio |")
print("|---|---|---|---|---|---|")
med = {}
for k, v in sorted(rows.items()):
    p, c, w = (st.median(x) for x in zip(*v))
    med[k] = (p, c, w)
    print(f"| {k} | {', '.join('%.1f' % x[0] for x in v)} | {', '.join('%.1f' % x[1] for x in v)} | {', '.join('%.1f' % x[2] for x in v)} "
          f"| {st.median([x[1] / x[0] for x in v]):.2f} | {st.median([x[2] / x[0] for x in v]):.2f} |")
if 1 in med and 2 in med:
    print(f"scaling 1 -> 2 workers: Pillow {med[2][0] / med[1][0]:.2f}x, Java cold {med[2][1] / med[1][1]:.2f}x, Java warm {med[2][2] / med[1][2]:.2f}x")
PY
