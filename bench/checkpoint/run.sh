#!/usr/bin/env bash
# Store-checkpoint cost per epoch (issue #14) against PyTorch's torch.save and boto3's upload of the same tensors.
# Needs the local S3 server for the s3 figures (infra/local/services.sh start; eval "$(infra/local/env.sh)").
# Writes bench/results/checkpoint.md.  Usage (repository root): bench/checkpoint/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -B -q -o -pl activities -am compile dependency:build-classpath -Dmdep.outputFile=/tmp/featmap_ckpt_cp.txt >/dev/null
CP="$ROOT/activities/target/classes:$ROOT/ml/target/classes:$ROOT/core/target/classes:$(cat /tmp/featmap_ckpt_cp.txt)"
OUT=$(mktemp -d)
javac -cp "$CP" -d "$OUT/classes" bench/checkpoint/CheckpointBench.java
STORES=("$OUT/local-store")
[ -n "${FEATMAP_S3_ENDPOINT:-}" ] && STORES+=("s3://featmap/bench/ckpt-$$?endpoint=$FEATMAP_S3_ENDPOINT&pathStyle=true")
JAVA=$(java -Xmx4g --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$OUT/classes:$CP" CheckpointBench "$OUT/work" "${STORES[@]}" 2>/dev/null | grep '^{')
ANCHOR=$(python3 bench/checkpoint/anchor.py "$OUT"/work/anchor/feat3_linear.safetensors "$OUT"/work/anchor/feat0_transformer.safetensors)
python3 - "$JAVA" "$ANCHOR" <<'PYEOF' | tee bench/results/checkpoint.md
import json, os, sys, datetime
rows = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
anc = {os.path.basename(a["file"]).split(".")[0]: a for a in (json.loads(l) for l in sys.argv[2].splitlines() if l.strip())}
print("# Store checkpoint cost per epoch (issue #14)\n")
print(f"Command: `bench/checkpoint/run.sh`; date {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, load average "
      f"{os.getloadavg()[0]:.1f} (machine shared with other agents); s3 = infra/local's S3Proxy on loopback. A checkpoint is the "
      "model state + AdamW moments (safetensors) + trainer.json as TrainStage writes it, for ConvNeXt-B feat3 linear (1024 channels) "
      "and feat0 transformer (128 channels, d 512; no positional encoding, so the 72x72 map does not change its size); mean of 5 epochs. "
      "Anchors: torch.save of the same tensors, boto3 upload_file of that file to the same server (median of 5).\n")
print("| cell | store | bytes | local write (s) | on the training thread (s) | background upload (s) | torch.save (s) | boto3 upload (s) | upload / boto3 |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    a = anc.get(r["cell"], {})
    b = a.get("boto3_upload_s")
    ratio = f"{r['upload_s'] / b:.2f}x" if b and r["store"] == "s3" else "-"
    print(f"| {r['cell']} | {r['store']} | {r['bytes']:,} | {r['local_write_s']:.3f} | {r['train_thread_s']:.5f} | {r['upload_s']:.3f} | "
          f"{a.get('torch_save_s', float('nan')):.3f} | {b if b is None else round(b, 3)} | {ratio} |")
PYEOF
