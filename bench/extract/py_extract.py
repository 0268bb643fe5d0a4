#!/usr/bin/env python3
"""Python anchor for benchmark (a): the reference's extraction loop with the same TorchScript modules.

ImageFolder enumeration + PIL decode + torchvision eval transform (spec §3.2), batched forward,
raw float32 memmaps per layer (spec §3.5). Decoding in the main thread (DataLoader num_workers=0) or in
--workers processes,
torch.set_num_threads(threads). Prints one JSON line.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from torchvision import datasets, transforms

p = argparse.ArgumentParser()
p.add_argument("backbone", type=Path)
p.add_argument("images", type=Path)
p.add_argument("out", type=Path)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--workers", type=int, default=0, help="DataLoader num_workers (decode processes)")
a = p.parse_args()
torch.set_num_threads(a.threads)
t0 = time.perf_counter()
man = json.loads((a.backbone / "manifest.json").read_text())
crop = man["crop"]
tf = transforms.Compose([transforms.Resize(man["input_size"]), transforms.CenterCrop(crop), transforms.ToTensor(),
                         transforms.Normalize(man["mean"], man["std"])])
ds = datasets.ImageFolder(str(a.images), transform=tf)
chain = [torch.jit.load(str(a.backbone / m["file"])).eval() for m in man["modules"] if m["file"] != "head.pt"]
loader = torch.utils.data.DataLoader(ds, batch_size=a.batch, shuffle=False, num_workers=a.workers)
a.out.mkdir(parents=True, exist_ok=True)
mm = {l["name"]: np.memmap(a.out / f"{l['name']}.dat", dtype=np.float32, mode="w+", shape=(len(ds), *l["shape"]))
      for l in man["layers"]}
t1 = time.perf_counter()
row = 0
with torch.inference_mode():
    for x, _ in loader:
        h = x
        for k, m in enumerate(chain):
            h = m(h)
            for l in man["layers"]:
                if len(l["chain"]) == k + 1:
                    v = h.permute(0, 3, 1, 2) if l.get("module_layout") == "NHWC" else h
                    mm[l["name"]][row:row + len(x)] = v.cpu().numpy()
        row += len(x)
for v in mm.values():
    v.flush()
t2 = time.perf_counter()
print(json.dumps({"images": row, "seconds_total": t2 - t0, "seconds_loop": t2 - t1, "img_per_s": row / (t2 - t0),
                  "threads": a.threads, "batch": a.batch, "workers": a.workers}))
