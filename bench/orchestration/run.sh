#!/usr/bin/env bash
# Orchestration figures (issue #2): the demo sweep's orchestration overhead, a re-launch of the finished
# sweep (nodes recomputed, wall time as a fraction of the first run), and the planner on the paper grid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=bench/out/orchestration
rm -rf "$out"; mkdir -p "$out"
store="$out/store"
./featmap plan config/demo.yaml >/dev/null   # builds once, outside the timings
t0=$(date +%s.%N); FEATMAP_STORE="$store" ./featmap run config/demo.yaml --quiet --record-history "$out/history.json" > "$out/first.txt" 2>"$out/first.err" || echo "first run ended with failed nodes (exit $?)"; t1=$(date +%s.%N)
FEATMAP_STORE="$store" ./featmap run config/demo.yaml --quiet > "$out/second.txt" 2>"$out/second.err" || true; t2=$(date +%s.%N)
first=$(echo "$t1 - $t0" | bc -l); second=$(echo "$t2 - $t1" | bc -l)
echo "first run (wall, whole command incl. JVM start): ${first}s"; grep -E "^time:|^nodes:" "$out/first.txt"
echo "re-launch: ${second}s"; grep -E "^time:|^nodes:" "$out/second.txt"
printf "re-launch / first run wall time: %.4f (goal <= 0.02)\n" "$(echo "$second / $first" | bc -l)"
/usr/bin/time -v ./featmap plan config/paper.yaml --json --no-preflight > "$out/plan.json" 2> "$out/plan.time"
grep -E "Elapsed|Maximum resident" "$out/plan.time"
