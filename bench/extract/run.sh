#!/usr/bin/env bash
# Issue #4 benchmarks (a) extraction img/s Java vs PyTorch, (b) bytes/sample per dtype x compression,
# (c) libtorch forward GFLOP/s vs matmul figures. 2 threads everywhere. The machine is shared, so
# Python and Java runs are interleaved for ROUNDS rounds and each round's ratio is reported.
# Writes (appends) bench/results/extract.md.
# Usage: bench/extract/run.sh [N_IMAGES=64] [BACKBONE_DIR=models/demo/convnext-atto-rand] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-64}
BACKBONE=${2:-models/demo/convnext-atto-rand}
ROUNDS=${3:-3}
WORK=$(mktemp -d /tmp/featmap-bench-extract.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 bench/extract/make_images.py "$N" "$WORK/images" >/dev/null
mvn -B -o -q -pl ml -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="ml/target/classes:$(cat ml/target/bench-cp.txt)"
export OMP_NUM_THREADS=2
JAVA=(java -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP" bench/extract/ExtractBench.java)
FLOPS=""
: > "$WORK/lines"
for r in $(seq "$ROUNDS"); do
  rm -rf "$WORK"/py-out "$WORK"/java-f32
  echo "PYA $(python3 bench/extract/py_extract.py "$BACKBONE" "$WORK/images/augmented_train" "$WORK/py-out" --threads 2 --batch 16)" >> "$WORK/lines"
  PYC=$(python3 bench/extract/flops.py "$BACKBONE" 2 2>/dev/null | tail -1)
  echo "PYC $PYC" >> "$WORK/lines"
  FLOPS=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['flops_per_image'])" "$PYC")
  "${JAVA[@]}" "$BACKBONE" "$WORK/images/augmented_train" "$WORK" "$FLOPS" e2e 2>/dev/null | grep -E '^A ' >> "$WORK/lines"
  rm -rf "$WORK"/java-f32
  "${JAVA[@]}" "$BACKBONE" "$WORK/images/augmented_train" "$WORK" "$FLOPS" compute 2>/dev/null | grep -E '^C ' >> "$WORK/lines"
  rm -rf "$WORK"/java-f32
done
"${JAVA[@]}" "$BACKBONE" "$WORK/images/augmented_train" "$WORK" "$FLOPS" storage 2>/dev/null | grep -E '^B ' >> "$WORK/lines"
cp "$WORK/lines" /tmp/featmap-bench-extract-last.lines
python3 - "$N" "$BACKBONE" "$ROUNDS" "$WORK/lines" <<'PY'
import json, sys, datetime, re, platform, statistics as st
n, backbone, rounds, lines = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4]).read().splitlines()
kv = lambda line: {k: float(v) if re.fullmatch(r"[-+0-9.e]+", v) else v for k, v in re.findall(r"(\w+)=(\S+)", line)}
pya = [json.loads(l[4:]) for l in lines if l.startswith("PYA ")]
pyc = [json.loads(l[4:]) for l in lines if l.startswith("PYC ")]
ja = [kv(l) for l in lines if l.startswith("A ")]
jc = [kv(l) for l in lines if l.startswith("C ")]
b = [kv(l) for l in lines if l.startswith("B ")]
med = lambda xs: st.median(xs)
fmt = lambda xs, d=2: ", ".join(("%." + str(d) + "f") % x for x in xs)
py_rate = [p["img_per_s"] for p in pya]
java_rate = [a["java_img_per_s"] for a in ja]
ratios = [j / p for j, p in zip(java_rate, py_rate)]
out = [f"## Extraction benchmarks ({datetime.datetime.now():%Y-%m-%d %H:%M}, `bench/extract/run.sh {n} {backbone} {rounds}`)", "",
       f"2 threads (libtorch / torch / BLAS) on a 2-core machine shared with other jobs; {n} JPEG 288x288 images; "
       f"{rounds} interleaved rounds (Python then Java), medians and per-round ratios.", "",
       "### (a) end-to-end extraction (enumerate + decode + preprocess + forward + write all layers, float32)",
       "| side | img/s per round | median |", "|---|---|---|",
       f"| PyTorch: ImageFolder + torchvision + memmap | {fmt(py_rate)} | {med(py_rate):.2f} |",
       f"| Java: ExtractStage (DJL + Arrow) | {fmt(java_rate)} | {med(java_rate):.2f} |",
       f"| ratio Java/Python | {fmt(ratios)} | {med(ratios):.2f} |", "",
       "### (b) bytes per sample vs the reference float32 memmap (same features, re-encoded)",
       "| layer | dtype | compression | bytes/sample | ratio | rel L2 vs float32 | write rows/s | read rows/s |", "|---|---|---|---|---|---|---|---|"]
for r in b:
    out.append(f"| {r['layer']} | {r['dtype']} | {r['compression']} | {r['bytes_per_sample']:.0f} | {r['ratio_vs_f32_memmap']:.3f} | {r['rel_l2']:.2e} | {r['write_rows_per_s']:.1f} | {r['read_rows_per_s']:.1f} |")
out += ["", "Random-init features; pretrained features may compress differently (float16 halves the bytes regardless). "
        "Row rates here are one row per append (re-encoding), not the batched extraction path.", "",
        "### (c) forward GFLOP/s (batch 8) vs float32 matmul 1024^2",
        f"FLOPs per image (torch FlopCounterMode, 2 per MAC): {pyc[0]['flops_per_image'] / 1e9:.3f} GFLOP", "",
        "| figure | GFLOP/s per round | median |", "|---|---|---|"]
for label, xs in [("libtorch forward via DJL", [c["java_forward_gflops"] for c in jc]),
                  ("PyTorch forward (same TorchScript)", [p["torch_forward_gflops"] for p in pyc]),
                  ("DJL matmul", [c["java_matmul_gflops"] for c in jc]),
                  ("torch matmul", [p["torch_matmul_gflops"] for p in pyc]),
                  ("numpy matmul", [p["numpy_matmul_gflops"] for p in pyc])]:
    out.append(f"| {label} | {fmt(xs, 1)} | {med(xs):.1f} |")
out.append(f"| DJL forward / numpy matmul | | {med([c['java_forward_gflops'] for c in jc]) / med([p['numpy_matmul_gflops'] for p in pyc]):.2f} |")
text = "\n".join(out) + "\n\n"
print(text)
open("bench/results/extract.md", "a").write(text)
PY
# issue #20 4(b)/(c): feeding the forward, vs DataLoader with the same workers, 1 and 2 threads, real and identity export
WARM=true bench/extract/feed.sh "$N" "$BACKBONE" "$ROUNDS"
