#!/usr/bin/env bash
# FeatInv reconstruction benchmark (issue #6): reconstructions/s one at a time vs batched (B = 4, 8) in
# Java (FeatInvReconstructor.reconstructAll, DJL) against the same DDIM loop in PyTorch (recon_torch.py),
# same random FeatInv-shaped TorchScript export (make_net.py) and inputs; plus the reference's way (one
# sample, two eps calls per step: mode "ref") and the time outside the eps-network/decoder calls as a
# fraction of the sampler's time. Java and Python rounds interleaved; one libtorch thread each by default
# (two threads spin-wait on this shared 2-core machine). Writes bench/results/recon.md.
# Usage (repo root): bench/recon/run.sh [N samples, default 8] [rounds, default 2] [threads, default 1]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-8}"; ROUNDS="${2:-2}"; THREADS="${3:-1}"
MODES=(ref 1 4 8)
OUT=bench/out/recon
mkdir -p "$OUT"
python3 bench/recon/make_net.py "$OUT/net" "$N"
source bench/classpath.sh
CP="$(ml_test_classpath "$OUT")"
: > "$OUT/rounds.jsonl"
for r in $(seq "$ROUNDS"); do
  j=$(OMP_NUM_THREADS="$THREADS" java -Xmx2g -cp "$CP" org.featmap.ml.eval.bench.ReconBench "$OUT/net" "$N" "$THREADS" "${MODES[@]}" 2>/dev/null | tail -1)
  p=$(OMP_NUM_THREADS="$THREADS" python3 bench/recon/recon_torch.py "$OUT/net" "$N" "$THREADS" "${MODES[@]}" | tail -1)
  echo "{\"round\": $r, \"load\": $(cut -d' ' -f1 /proc/loadavg), \"java\": $j, \"python\": $p}" | tee -a "$OUT/rounds.jsonl"
done
python3 - "$OUT/rounds.jsonl" "$N" "$ROUNDS" "$THREADS" "${MODES[@]}" <<'PYEOF' | tee bench/results/recon.md
import datetime, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n, rounds, threads, modes = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
med = lambda side, mode, k: statistics.median(r[side][mode][k] for r in rows)
name = {"ref": "reference's way: 1 sample, 2 eps calls/step", "1": "one at a time (B=1, 1 eps call of 2 rows/step)",
        "4": "batched B=4 (eps on 8 rows)", "8": "batched B=8 (eps on 16 rows)"}
print("# FeatInv reconstructions/s: batched vs one at a time, Java (DJL) vs PyTorch\n")
print(f"Command: `bench/recon/run.sh {n} {rounds} {threads}`; date {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; "
      f"{threads} libtorch thread(s) each, Java and Python rounds interleaved, load average during the rounds "
      f"{', '.join(str(r['load']) for r in rows)} (shared 2-core machine: absolute figures are depressed and noisy).\n")
print("Network: `bench/recon/make_net.py` — a random FeatInv-shaped export (eps = hint block + 3-level UNet with "
      "cross-attention, 0.68 M parameters, latent 4x32x32, hint 256x9x9, context 77x128; decoder to 256x256), "
      "50 DDIM steps, CFG 1.75, N samples sharing one x_T (the reference reseeds with 100 before each). "
      "Medians over the rounds.\n")
print("| mode | Java rec/s | PyTorch rec/s | Java/PyTorch | Java vs its B=1 | PyTorch vs its B=1 | eps ms/call Java / PyTorch |\n|---|---:|---:|---:|---:|---:|---:|")
for m in modes:
    j, p = med("java", m, "rec_per_s"), med("python", m, "rec_per_s")
    j1, p1 = med("java", "1", "rec_per_s"), med("python", "1", "rec_per_s")
    print(f"| {name.get(m, m)} | {j:.3f} | {p:.3f} | {j/p:.2f}x | {j/j1:.2f}x | {p/p1:.2f}x | "
          f"{med('java', m, 'eps_ms_per_call'):.1f} / {med('python', m, 'eps_ms_per_call'):.1f} |")
print("\nTime outside the eps-network and decoder calls (the DDIM loop itself) as a fraction of the sampler's time "
      "(goal <= 5 %), and per step:\n")
print("| mode | Java fraction | Java ms/step | PyTorch fraction | PyTorch ms/step |\n|---|---:|---:|---:|---:|")
for m in modes:
    print(f"| {name.get(m, m)} | {100*med('java', m, 'outside_fraction'):.1f} % | {med('java', m, 'outside_ms_per_step'):.2f} | "
          f"{100*med('python', m, 'outside_fraction'):.1f} % | {med('python', m, 'outside_ms_per_step'):.2f} |")
same = all(r["java"][m]["pixel_sum"] == r["python"][m]["pixel_sum"] for r in rows for m in modes)
diffs = sorted({abs(r["java"][m]["pixel_sum"] - r["python"][m]["pixel_sum"]) for r in rows for m in modes})
print(f"\nSame images on both sides: sum of all uint8 values Java vs PyTorch {'identical' if same else 'differ by ' + ', '.join(map(str, diffs))} "
      "(±1 on a few values is float rounding before truncation; per-sample equality of batched and single runs is "
      "tested by `FeatInvBatchingIT`).")
PYEOF
