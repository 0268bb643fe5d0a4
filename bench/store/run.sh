#!/usr/bin/env bash
# Store figures (issue #13), against the S3Proxy of infra/local (infra/local/s3.sh start; eval "$(infra/local/env.sh)"):
#  6b  one artifact of SIZE_MB written and read by the store (S3TransferManager on the CRT) vs boto3's managed
#      transfers on the same file and server: ratio = boto3 seconds / our seconds (goal >= 0.9);
#  6a  the launch's cache check of a finished store of NODES nodes at two store sizes: wall time and bytes the
#      process read (manifests and listings only; goal < 30 s and < 1 % of the store's bytes, same at both sizes).
# usage: bench/store/run.sh [SIZE_MB=1024] [NODES=2045] [SMALL_MB=400] [LARGE_MB=4000] [ROUNDS=2]   (NODES=0: 6b only)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${FEATMAP_S3_ENDPOINT:?start infra/local/s3.sh and eval \"\$(infra/local/env.sh)\" first}"
size_mb=${1:-1024}; nodes=${2:-2045}; small_mb=${3:-400}; large_mb=${4:-4000}; rounds=${5:-2}
out=bench/out/store; rm -rf "$out"; mkdir -p "$out"
mvn -B -q -o -pl activities -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$out/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="activities/target/test-classes:activities/target/classes:ml/target/classes:core/target/classes:$(cat "$out/cp.txt")"
java_() { java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$cp" org.featmap.activities.store.StoreBench "$@" 2>>"$out/java.err"; }
ep="endpoint=$FEATMAP_S3_ENDPOINT"
echo "load: $(uptime)"

# 6b
file="$out/artifact.bin"
head -c "$((size_mb << 20))" /dev/urandom > "$file"
for i in $(seq "$rounds"); do  # alternate, so page cache and server warmth favour neither
  java_ throughput "$file" "s3://featmap-test/bench-$$-$i?$ep" | tee -a "$out/java.txt"
  python3 bench/store/boto3_bench.py "$file" featmap-test "bench-$$-$i/boto3.bin" | tee -a "$out/boto3.txt"
done
rm -f "$file"
python3 - "$out" <<'PY'
import re, sys, statistics as st
out = sys.argv[1]
def vals(f, k): return [float(m) for m in re.findall(k + r"=([0-9.]+)", open(f"{out}/{f}").read())]
jp, jg = st.median(vals("java.txt", "java_put_s")), st.median(vals("java.txt", "java_get_s"))
bp, bg = st.median(vals("boto3.txt", "boto3_put_s")), st.median(vals("boto3.txt", "boto3_get_s"))
n = vals("java.txt", "bytes")[0]
print(f"6b write: store {n/jp/1e6:.0f} MB/s, boto3 {n/bp/1e6:.0f} MB/s, ratio {bp/jp:.2f} (goal >= 0.9)")
print(f"6b read:  store {n/jg/1e6:.0f} MB/s, boto3 {n/bg/1e6:.0f} MB/s, ratio {bg/jg:.2f} (goal >= 0.9)")
PY

# 6a
[[ "$nodes" == 0 ]] && exit 0
for mb in "$small_mb" "$large_mb"; do
  uri="s3://featmap-test/bench-relaunch-$$-$mb?$ep"
  java_ populate "$uri" "$nodes" "$((mb << 20))" | tee -a "$out/relaunch.txt"
  r=$(java_ relaunch "$uri" "$nodes"); echo "$r" | tee -a "$out/relaunch.txt"
  python3 -c "
import re,sys; r=sys.argv[1]; s=float(re.search(r'relaunch_check_s=([0-9.]+)',r).group(1)); b=int(re.search(r'bytes_read=(\d+)',r).group(1))
store=$mb<<20
print(f'6a store {store/2**30:.2f} GiB in $nodes nodes: cache check {s:.2f} s, read {b/1e6:.2f} MB = {100*b/store:.3f} % of the store')" "$r"
  rm -rf "$FEATMAP_RUN_DIR/s3-data/featmap-test/bench-relaunch-$$-$mb" 2>/dev/null || true
done
