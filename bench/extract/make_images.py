#!/usr/bin/env python3
"""Writes N synthetic 288x288 JPEGs (Pillow quality 75, like S1) as images/augmented_train/<class>/direct/<ID>_<m>.jpg."""
import sys
from pathlib import Path

import numpy as np
from PIL import Image

n, out = int(sys.argv[1]), Path(sys.argv[2])
rng = np.random.default_rng(0)
manips = ["resized", "rotation_90", "mirror_h", "grayscale"]
yy, xx = np.mgrid[0:288, 0:288]
for i in range(n):
    cls, oid, m = f"class_{i % 4}", f"{i // len(manips):05d}", manips[i % len(manips)]
    d = out / "augmented_train" / cls / "direct"
    d.mkdir(parents=True, exist_ok=True)
    base = np.stack([(xx * (i + 3)) % 256, (yy * (i + 5)) % 256, 128 + 90 * np.sin((xx + yy) / (7.0 + i))], -1)
    img = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(img).save(d / f"{oid}_{m}.jpg", quality=75)
print(f"{n} images in {out}")
