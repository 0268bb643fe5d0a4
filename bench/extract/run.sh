#!/usr/bin/env bash
# Issue #4 benchmarks (a) extraction img/s Java vs PyTorch, (b) bytes/sample per dtype x compression,
# (c) libtorch forward GFLOP/s vs matmul figures. 2 threads everywhere. Writes bench/results/extract.md.
# Usage: bench/extract/run.sh [N_IMAGES=64] [BACKBONE_DIR=models/demo/convnext-atto-rand]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-64}
BACKBONE=${2:-models/demo/convnext-atto-rand}
WORK=$(mktemp -d /tmp/featmap-bench-extract.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 bench/extract/make_images.py "$N" "$WORK/images" >/dev/null
mvn -B -o -q -pl ml -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="ml/target/classes:$(cat ml/target/bench-cp.txt)"
export OMP_NUM_THREADS=2
PY_A=$(python3 bench/extract/py_extract.py "$BACKBONE" "$WORK/images/augmented_train" "$WORK/py-out" --threads 2 --batch 16)
PY_C=$(python3 bench/extract/flops.py "$BACKBONE" 2 2>/dev/null | tail -1)
FLOPS=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['flops_per_image'])" "$PY_C")
JAVA=$(java -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP" bench/extract/ExtractBench.java \
  "$BACKBONE" "$WORK/images/augmented_train" "$WORK" "$FLOPS" 2>/dev/null | grep -E '^[ABC] ')
python3 - "$N" "$BACKBONE" "$PY_A" "$PY_C" "$JAVA" <<'PY'
import json, sys, datetime, re, platform
n, backbone, pya, pyc, java = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]
kv = lambda line: dict(re.findall(r"(\w+)=(\S+)", line))
a = kv([l for l in java.splitlines() if l.startswith("A ")][0])
c = kv([l for l in java.splitlines() if l.startswith("C ")][0])
b = [kv(l) for l in java.splitlines() if l.startswith("B ")]
out = [f"## Extraction benchmarks ({datetime.date.today()}, `bench/extract/run.sh {n} {backbone}`)", "",
       f"Machine: {platform.processor() or platform.machine()}, 2 threads (libtorch/torch/BLAS), shared with other jobs; {n} JPEG 288x288 images.", "",
       "### (a) end-to-end extraction (enumerate + decode + preprocess + forward + write all layers, float32)",
       "| side | img/s | ratio Java/Python |", "|---|---|---|",
       f"| PyTorch {json.dumps(pya['threads'])} threads, ImageFolder + torchvision + memmap | {pya['img_per_s']:.2f} | |",
       f"| Java ExtractStage (DJL, Arrow float32) | {float(a['java_img_per_s']):.2f} | {float(a['java_img_per_s']) / pya['img_per_s']:.2f}x |", "",
       "### (b) bytes per sample vs the reference float32 memmap (same features)",
       "| layer | dtype | compression | bytes/sample | ratio | rel L2 vs float32 | write rows/s | read rows/s |", "|---|---|---|---|---|---|---|---|"]
for r in b:
    out.append(f"| {r['layer']} | {r['dtype']} | {r['compression']} | {r['bytes_per_sample']} | {r['ratio_vs_f32_memmap']} | {r['rel_l2']} | {r['write_rows_per_s']} | {r['read_rows_per_s']} |")
out += ["", "Random-init features: compressibility of pretrained features may differ (float16 halves the bytes regardless).", "",
        "### (c) forward GFLOP/s (batch 8) vs matmul (1024^2 float32)",
        f"FLOPs per image (FlopCounterMode, 2/MAC): {pyc['flops_per_image'] / 1e9:.3f} GFLOP", "",
        "| figure | GFLOP/s |", "|---|---|",
        f"| libtorch forward via DJL | {float(c['java_forward_gflops']):.2f} |",
        f"| PyTorch forward (same TorchScript) | {pyc['torch_forward_gflops']:.2f} |",
        f"| DJL matmul | {float(c['java_matmul_gflops']):.2f} |",
        f"| torch matmul | {pyc['torch_matmul_gflops']:.2f} |",
        f"| numpy matmul | {pyc['numpy_matmul_gflops']:.2f} |", ""]
text = "\n".join(out) + "\n"
print(text)
open("bench/results/extract.md", "a").write(text)
PY
