#!/usr/bin/env bash
# Images benchmark: images/s of resize+crop and each manipulation, Java (ImagesBench, 1 thread) vs
# Pillow/numpy (bench_pillow.py, 1 thread) on the same images; prints the ratio Java/Python.
# Usage: bench/images/run.sh [seconds-per-op]   (from the repo root; builds ml's test classes offline)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS="${1:-2}"
OUT=bench/out/images
mkdir -p "$OUT"
python3 bench/images/bench_pillow.py --make-inputs "$OUT/inputs"
mvn -B -q -o -pl ml -am test-compile >/dev/null
CP="ml/target/classes:ml/target/test-classes:core/target/classes"
OMP_NUM_THREADS=1 python3 bench/images/bench_pillow.py "$OUT/inputs" "$SECS" > "$OUT/python.txt"
java -XX:ActiveProcessorCount=1 -cp "$CP" org.featmap.ml.images.bench.ImagesBench "$OUT/inputs" "$SECS" > "$OUT/java.txt"
printf '%-26s %12s %12s %8s\n' op java_img_s python_img_s ratio
join <(sort "$OUT/java.txt") <(sort "$OUT/python.txt") | while read -r op j p; do
  printf '%-26s %12s %12s %8.2f\n' "$op" "$j" "$p" "$(echo "$j / $p" | bc -l)"
done
