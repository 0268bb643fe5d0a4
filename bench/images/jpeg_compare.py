#!/usr/bin/env python3
"""Pixel difference of Java's JPEG (ImageIO, q75 4:2:0) against Pillow's (libjpeg-turbo), spec §12.3.

Usage: bench/images/jpeg_compare.py  (from the repo root, after `mvn -o -q -pl ml -am test-compile`)
For each image: encoder = Pillow-decoded Java JPEG vs Pillow-decoded Pillow JPEG; decoder = Java-decoded
Pillow JPEG vs Pillow-decoded Pillow JPEG; round trip = Java encode+decode vs Pillow encode+decode;
each as max / mean absolute difference over all bytes, plus the share of bytes that differ.
"""
import os
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from common import make_inputs  # noqa: E402
from make_image_fixtures import photo_like, random_image  # noqa: E402

OUT = "bench/out/jpeg"


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    imgs = {
        "photo_landscape": photo_like(288, 288, 1),
        "photo_portrait": photo_like(288, 288, 2),
        "random_noise": random_image(7, 288, 288),
        "flat_grey": Image.new("RGB", (288, 288), (128, 128, 128)),
        "gradient": Image.fromarray((np.stack(list(np.meshgrid(np.arange(288), np.arange(288))) + [np.full((288, 288), 99)], -1) % 256).astype(np.uint8)),
        "hard_edges": Image.fromarray(((np.indices((288, 288)).sum(0) // 16) % 2 * 255).astype(np.uint8)).convert("RGB"),
    }
    # a real-photo-like stand-in: a synthetic dataset image resized to 288 by the Java stage is not
    # available here, so the photo-like generator above plays that role.
    for name, img in imgs.items():
        img.save(f"{OUT}/{name}.src.png")
        img.save(f"{OUT}/{name}.pil.jpg", quality=75)
    cp = "ml/target/classes:ml/target/test-classes:core/target/classes"
    subprocess.run(["java", "-cp", cp, "org.featmap.ml.images.bench.ImagesBench", "jpeg", OUT], check=True)
    print(f"{'image':18s} {'encoder max/mean/%diff':>24s} {'decoder max/mean/%diff':>24s} {'round trip max/mean/%diff':>26s}")
    for name in imgs:
        ref = np.array(Image.open(f"{OUT}/{name}.pil.jpg").convert("RGB")).astype(int)
        enc = np.array(Image.open(f"{OUT}/{name}.java.jpg").convert("RGB")).astype(int)
        dec = np.array(Image.open(f"{OUT}/{name}.pil.javadec.png").convert("RGB")).astype(int)
        rt = np.array(Image.open(f"{OUT}/{name}.java.javadec.png").convert("RGB")).astype(int)
        cols = []
        for a in (enc, dec, rt):
            d = np.abs(a - ref)
            cols.append(f"{d.max():d} / {d.mean():.3f} / {100 * (d > 0).mean():.1f}%")
        print(f"{name:18s} {cols[0]:>24s} {cols[1]:>24s} {cols[2]:>26s}")
    jsize = {n: os.path.getsize(f"{OUT}/{n}.java.jpg") for n in imgs}
    psize = {n: os.path.getsize(f"{OUT}/{n}.pil.jpg") for n in imgs}
    print("bytes java/pillow:", {n: f"{jsize[n]}/{psize[n]}" for n in imgs})


if __name__ == "__main__":
    main()
