#!/usr/bin/env bash
# The paper grid at toy size (issue #13 items 6d and 7): makes the inputs of config/paper-toy.yaml (two
# synthetic datasets, the project's tiny random-init exports at 64/96 px, SYNTHETIC stand-in edits), shows the
# plan (train=615, as config/paper.yaml), then runs the whole sweep and prints wall time and orchestration
# overhead. On the embedded service by default; TEMPORAL=localhost:7233 (infra/local) for the persistent one.
# Usage: bench/papertoy/run.sh [--plan-only]
set -euo pipefail
mode="${1:-}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export FEATMAP_TOY="${FEATMAP_TOY:-$PWD/bench/out/papertoy}"
toy="$FEATMAP_TOY"
mkdir -p "$toy/models" "$toy/datasets" "$toy/edits"
for ds in "STANFORD_CARS 1" "CUB_200_2011 2"; do
  name=${ds% *}; seed=${ds#* }
  [ -d "$toy/datasets/$name/images" ] || ./featmap synth --classes 4 --per-class 8 --per-class-test 4 --seed "$seed" --out "$toy/datasets/$name" >/dev/null
done
[ -f "$toy/edits/STANFORD_CARS/SYNTHETIC_STAND_IN_EDITS.txt" ] || python3 bench/papertoy/stand_in_edits.py \
  "$toy/datasets/STANFORD_CARS" "$toy/edits/STANFORD_CARS" --train-per-class 4 --test-per-class 2 \
  --prompts Change_body_color_blue,Remove_side_mirrors,Turn_on_headlights,Add_police_lights,Change_tire_rim_color_red,Remove_car
[ -f "$toy/edits/CUB_200_2011/SYNTHETIC_STAND_IN_EDITS.txt" ] || python3 bench/papertoy/stand_in_edits.py \
  "$toy/datasets/CUB_200_2011" "$toy/edits/CUB_200_2011" --train-per-class 4 --test-per-class 2 \
  --prompts Change_plumage_color_blue,Open_beak_call,Preening_one_wing
# the project's own exports, small input sizes so feat0 is small (python/export_backbone.py; torch + timm)
[ -f "$toy/models/convnext-atto-64/manifest.json" ] || python3 python/export_backbone.py --timm-id convnext_atto --input-size 64 \
  --timm-kwargs '{"dims": [32, 64, 128, 256], "depths": [2, 2, 2, 2]}' --threads 1 --out "$toy/models/convnext-atto-64"
[ -f "$toy/models/swinv2-tiny-96/manifest.json" ] || python3 python/export_backbone.py --timm-id swinv2_base_window12to24_192to384_22kft1k \
  --input-size 96 --timm-kwargs '{"embed_dim": 24, "depths": [1, 1, 1, 1], "num_heads": [1, 2, 3, 6], "window_size": 6, "img_size": 96}' \
  --threads 1 --out "$toy/models/swinv2-tiny-96"
./featmap plan config/paper-toy.yaml | tee "$toy/plan.txt"
[ "$mode" = "--plan-only" ] && exit 0
temporal=(); [ -n "${TEMPORAL:-}" ] && temporal=(--temporal "$TEMPORAL")
echo "load before: $(uptime)"
t0=$(date +%s.%N)
FEATMAP_STORE="${FEATMAP_STORE:-$toy/store}" ./featmap run config/paper-toy.yaml --quiet "${temporal[@]}" > "$toy/run.txt" 2> "$toy/run.err" \
  || echo "the sweep ended with failed nodes (exit $?)"
t1=$(date +%s.%N)
echo "load after: $(uptime)"
printf "paper grid at toy size, whole command: %.1f s\n" "$(echo "$t1 - $t0" | bc -l)"
grep -E "^time:|^nodes:|overhead" "$toy/run.txt" || tail -5 "$toy/run.txt"
# on a persistent server, where the time between nodes went (issue #13 6d): from the sweep's recorded histories
if [ -n "${TEMPORAL:-}" ]; then
  python3 bench/orchestration/latency.py featmap-paper-toy- --address "$TEMPORAL" --out "$toy/histories" \
    || echo "latency breakdown failed (needs the Temporal CLI of infra/local)"
fi
