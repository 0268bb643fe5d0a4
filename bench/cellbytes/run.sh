#!/usr/bin/env bash
# Benchmark 6c of issue #13: the bytes a train cell downloads ÷ the bytes of the rows it trains on. Runs CONFIG
# (default config/demo.yaml; config/paper-toy.yaml for the paper's grid) on a fresh prefix of infra/local's S3Proxy,
# untracked, then reads every train node's manifest: `inputs_fetched_bytes` (everything the cell fetched: its two
# feature partitions of one layer, their store.json and shard metadata, the norm statistics) and `pair_row_bytes`
# (source + target float32 rows of the pairs it trains and validates on). Also prints what the cell would have
# fetched with the whole extraction (every layer, every manipulation), the pre-#13 behaviour.
# usage: bench/cellbytes/run.sh (or bench/run.sh cellbytes) [CONFIG=config/demo.yaml]   (infra/local/s3.sh start; eval "$(infra/local/env.sh)")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${FEATMAP_S3_ENDPOINT:?start infra/local/s3.sh and eval \"\$(infra/local/env.sh)\" first}"
config="${1:-config/demo.yaml}"
prefix="cell-bytes-$(date +%s)"
uri="s3://featmap-test/$prefix?endpoint=$FEATMAP_S3_ENDPOINT"
echo "config $config, store $uri, load: $(cut -d' ' -f1-3 /proc/loadavg)"
./featmap run "$config" --store "$uri" --mlflow off >/tmp/cell-bytes-run.log 2>&1 || { tail -n 20 /tmp/cell-bytes-run.log; exit 1; }
tail -n 3 /tmp/cell-bytes-run.log
python3 - featmap-test "$prefix" <<'PY'
import json, os, statistics as st, sys
import boto3
from botocore.config import Config
bucket, prefix = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=os.environ["FEATMAP_S3_ENDPOINT"], region_name=os.environ.get("AWS_REGION", "us-east-1"),
                  config=Config(s3={"addressing_style": "path"}))
def manifests(stage):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/{stage}/"):
        for o in page.get("Contents", []):
            if o["Key"].endswith("/manifest.json"):
                yield json.load(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"])
extracts = {m["key"]: sum(a["bytes"] for a in m["artifacts"].values()) for m in manifests("extract")}
ratios, fetched, rows, whole = [], 0, 0, 0
for m in manifests("train"):
    s = m["summary"]
    if "inputs_fetched_bytes" not in s: continue
    f, r = int(s["inputs_fetched_bytes"]), int(s["pair_row_bytes"])
    ratios.append(f / r); fetched += f; rows += r
print(f"6c: {len(ratios)} train cells; fetched / rows trained on: median {st.median(ratios):.3f}, min {min(ratios):.3f}, "
      f"max {max(ratios):.3f}; in all {fetched/1e6:.1f} MB fetched for {rows/1e6:.1f} MB of rows (goal <= 1.1)")
print(f"    the extraction nodes hold {sum(extracts.values())/1e6:.1f} MB in {len(extracts)} nodes "
      f"(largest {max(extracts.values())/1e6:.1f} MB): what one cell fetched before fetch-by-need")
PY
