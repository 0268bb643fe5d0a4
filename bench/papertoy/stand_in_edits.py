#!/usr/bin/env python3
"""SYNTHETIC stand-in edits for the paper grid at toy size (issue #13 item 7).

The paper's edit groups read images edited by Qwen-Image-Edit (spec §2.7), which this machine cannot run.
For a dataset in the images/{train,test}/<class>/<id>.jpg layout this writes, per prompt, a deterministic
stand-in: the source image with a per-prompt colour transform (a hue rotation and a tint whose strength comes
from the prompt's index), named <id>_<prompt short name>.jpg in <out>/<split>/<class>/, which the edit
import reads like real edits. They are NOT generative edits: SYNTHETIC_STAND_IN_EDITS.txt in the folder says
so, and the numbers a sweep computes on them only exercise the pipeline.

usage: stand_in_edits.py DATASET_ROOT OUT --prompts A,B,C --train-per-class N --test-per-class M
"""
import argparse
import pathlib

from PIL import Image, ImageOps


def stand_in(img: Image.Image, k: int) -> Image.Image:
    hsv = img.convert("HSV")
    h, s, v = hsv.split()
    shift = (37 * (k + 1)) % 256
    h = h.point(lambda x: (x + shift) % 256)
    out = Image.merge("HSV", (h, s, v)).convert("RGB")
    tint = Image.new("RGB", out.size, ((60 * k) % 256, (110 + 40 * k) % 256, (200 - 30 * k) % 256))
    out = Image.blend(out, tint, 0.15 + 0.05 * (k % 4))
    return ImageOps.mirror(out) if k % 2 else out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=pathlib.Path)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--prompts", required=True, help="comma-separated canonical short names")
    ap.add_argument("--train-per-class", type=int, required=True)
    ap.add_argument("--test-per-class", type=int, required=True)
    a = ap.parse_args()
    prompts = [p for p in a.prompts.split(",") if p]
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "SYNTHETIC_STAND_IN_EDITS.txt").write_text(
        "SYNTHETIC stand-in edits made by bench/papertoy/stand_in_edits.py from " + str(a.root) + ":\n"
        "per-prompt colour transforms of the source images, NOT Qwen-Image-Edit output (spec §2.7).\n"
        "Prompts: " + ", ".join(prompts) + "\n")
    n = 0
    for split, per in (("train", a.train_per_class), ("test", a.test_per_class)):
        for cls in sorted((a.root / "images" / split).iterdir()):
            for src in sorted(cls.glob("*.jpg"))[:per]:
                img = Image.open(src).convert("RGB")
                d = a.out / split / cls.name
                d.mkdir(parents=True, exist_ok=True)
                for k, p in enumerate(prompts):
                    stand_in(img, k).save(d / f"{src.stem}_{p}.jpg", quality=75)
                    n += 1
    print(f"{a.out}: {n} synthetic stand-in edits ({len(prompts)} prompts)")


if __name__ == "__main__":
    main()
