#!/usr/bin/env python3
"""Benchmark (c) anchors: FLOPs of one forward of a backbone (torch FlopCounterMode on the timm
architecture of its manifest, 2 FLOPs per multiply-add), the PyTorch forward GFLOP/s, and numpy /
torch float32 matmul GFLOP/s, all on `--threads` threads. Prints one JSON line."""
import os, sys, json, time
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = str(threads)
from pathlib import Path
import numpy as np
import torch
import timm
from torch.utils.flop_counter import FlopCounterMode

torch.set_num_threads(threads)
bdir = Path(sys.argv[1])
man = json.loads((bdir / "manifest.json").read_text())
model = timm.create_model(man["timm_id"], pretrained=False, **man["timm_kwargs"]).eval()
x = torch.randn(1, 3, man["crop"], man["crop"])
with torch.no_grad(), FlopCounterMode(display=False) as fc:
    model.forward_features(x)
flops = fc.get_total_flops()
chain = [torch.jit.load(str(bdir / m["file"])).eval() for m in man["modules"] if m["file"] != "head.pt"]
xb = torch.randn(8, 3, man["crop"], man["crop"])
def fwd():
    h = xb
    for m in chain:
        h = m(h)
with torch.inference_mode():
    fwd()
    t = time.perf_counter(); reps = 3
    for _ in range(reps):
        fwd()
    fwd_s = (time.perf_counter() - t) / reps
n = 1024
A = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32); B = A.copy()
A @ B
t = time.perf_counter(); reps = 20
for _ in range(reps):
    A @ B
np_gf = 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9
TA = torch.from_numpy(A); TB = torch.from_numpy(B)
TA @ TB
t = time.perf_counter()
for _ in range(reps):
    TA @ TB
torch_gf = 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9
print(json.dumps({"flops_per_image": flops, "torch_forward_gflops": flops * 8 / fwd_s / 1e9, "numpy_matmul_gflops": np_gf,
                  "torch_matmul_gflops": torch_gf, "threads": threads}))
