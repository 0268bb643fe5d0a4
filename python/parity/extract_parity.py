#!/usr/bin/env python3
"""Fixtures for the Java extraction parity test (issue #4 "Parity").

Runs the committed demo TorchScript modules in PyTorch on (a) a deterministic input tensor that
Java rebuilds bit-exactly (integer LCG, see lcg_input) and (b) the torchvision eval transform of
spec §3.2 applied to two committed images, and writes small fixtures to
ml/src/test/resources/extract/parity/:
  <backbone>.<layer>.f32 : every `stride`-th element of the flattened (1,C,H,W) NCHW output, float32 LE
  parity.json            : per output shape, stride, full-tensor L2 norm and sum; per image the
                           preprocessing summary
  img_a.png (150x100), img_b.jpg (288x288, Pillow quality 75): inputs; img_a.<size>.crop.png: the
  8-bit image after Resize+CenterCrop as Pillow computes it (lossless), img_b.decoded.png: Pillow/libjpeg's
  decoded RGB of img_b.jpg (lossless); <backbone>.img_a.<layer>.f32: features of img_a through the transform.
Run from the repository root: python3 python/parity/extract_parity.py
"""
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "ml/src/test/resources/extract/parity"
BACKBONES = {"convnext-atto-rand": ["stage0.pt", "stage1.pt", "stage2.pt", "stage3.pt"],
             "swinv2-tiny-rand": ["features.pt"]}
MAX_VALUES = 6000  # per stored output; keeps the fixtures at tens of KB


def lcg_input(c, s, seed=12345):
    """x[i] = (u_i / 2^31) * 4 - 2 with u_{i+1} = (1103515245 u_i + 12345) mod 2^31: exact in Java too."""
    n = c * s * s
    u = np.empty(n, dtype=np.int64)
    v = seed
    for i in range(n):
        v = (1103515245 * v + 12345) % (1 << 31)
        u[i] = v
    return torch.from_numpy((u.astype(np.float64) / (1 << 31) * 4 - 2).astype(np.float32)).reshape(1, c, s, s)


def run_layers(name, x):
    mods = [torch.jit.load(str(ROOT / "models/demo" / name / f)).eval() for f in BACKBONES[name]]
    outs, h = {}, x
    with torch.no_grad():
        for k, m in enumerate(mods):
            h = m(h)
            if name.startswith("swin"):
                outs["feat0"] = h.permute(0, 3, 1, 2).contiguous()  # spec §3.3 NHWC -> NCHW
            else:
                outs[f"feat{k}"] = h
    return outs


def store(prefix, outs, meta):
    for layer, t in outs.items():
        flat = t.reshape(-1).numpy().astype("<f4")
        stride = max(1, flat.size // MAX_VALUES)
        flat[::stride].tofile(OUT / f"{prefix}.{layer}.f32")
        meta[f"{prefix}.{layer}"] = {"shape": list(t.shape), "stride": stride,
                                     "l2": float(np.linalg.norm(flat.astype(np.float64))),
                                     "sum": float(flat.astype(np.float64).sum())}


def make_images():
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:100, 0:150]
    a = np.stack([xx * 255 // 150, yy * 255 // 100, (xx + yy) % 256], -1) + rng.integers(-20, 21, (100, 150, 3))
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(OUT / "img_a.png")
    yy, xx = np.mgrid[0:288, 0:288]
    b = np.stack([(xx * 7 + yy) % 256, yy * 255 // 288, 128 + 100 * np.sin(xx / 20.0)], -1) + rng.integers(-10, 11, (288, 288, 3))
    Image.fromarray(np.clip(b, 0, 255).astype(np.uint8)).save(OUT / "img_b.jpg", quality=75)


def main():
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    make_images()
    meta = {"torch": torch.__version__, "input": "lcg_input(c=3, s=crop, seed=12345)"}
    for name in BACKBONES:
        crop = json.loads((ROOT / "models/demo" / name / "manifest.json").read_text())["crop"]
        store(f"{name}", run_layers(name, lcg_input(3, crop)), meta)
        tf = transforms.Compose([transforms.Resize(crop), transforms.CenterCrop(crop), transforms.ToTensor(),
                                 transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
        img = Image.open(OUT / "img_a.png").convert("RGB")
        cropped = transforms.CenterCrop(crop)(transforms.Resize(crop)(img))
        cropped.save(OUT / f"img_a.{crop}.crop.png")
        x = tf(img).unsqueeze(0)
        meta[f"img_a.{crop}.tensor"] = {"l2": float(x.double().norm()), "sum": float(x.double().sum()),
                                        "first": x.reshape(-1)[:16].tolist()}
        store(f"{name}.img_a", run_layers(name, x), meta)
    rgb = np.asarray(Image.open(OUT / "img_b.jpg").convert("RGB"))
    Image.fromarray(rgb).save(OUT / "img_b.decoded.png")
    (OUT / "parity.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {sum(p.stat().st_size for p in OUT.iterdir())} bytes to {OUT}")


if __name__ == "__main__":
    main()
