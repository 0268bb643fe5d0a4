#!/usr/bin/env python3
"""Python anchor: images/s of the reference's Pillow/numpy manipulations (spec §2), one thread."""
import os
import re
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from torchvision import transforms  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from common import make_inputs  # noqa: E402
from make_image_fixtures import MASKS  # noqa: E402


ONLY = re.compile(".*")  # the ops to time (argv[3], a regex like ImagesBench's)


def noise(img):
    arr = np.array(img).astype(np.int16)
    arr = arr + np.random.normal(0, 40, arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def hue(img):
    hsv = np.array(img.convert("HSV")).astype(np.int16)
    hsv[..., 0] = (hsv[..., 0] + 60) % 256
    return Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")


def mask(pts, colour):
    def f(img):
        m = Image.new("L", img.size, 0)
        ImageDraw.Draw(m).polygon(pts, fill=255, outline=255)
        arr = np.array(img)
        arr[np.array(m) == 255] = colour
        return Image.fromarray(arr)
    return f


def encode_jpeg(img):
    import io
    img.save(io.BytesIO(), format="JPEG")
    return img


OPS = {
    "rotation_90": lambda i: i.rotate(90), "rotation_180": lambda i: i.rotate(180),
    "rotation_270": lambda i: i.rotate(270),
    "mirror_h": lambda i: i.transpose(Image.FLIP_LEFT_RIGHT), "mirror_v": lambda i: i.transpose(Image.FLIP_TOP_BOTTOM),
    "noise_40": noise,
    **{name: mask(pts, col) for name, (pts, col) in MASKS.items()},
    "hue_shift_60": hue, "grayscale": lambda i: i.convert("L").convert("RGB"),
    "encode_jpeg": encode_jpeg,
}


def jpeg_bytes(img):
    import io
    b = io.BytesIO()
    img.save(b, format="JPEG")
    return b.getvalue()


def decode_jpeg(data):
    import io
    return Image.open(io.BytesIO(data)).convert("RGB")


def timeit(name, fn, items, seconds):
    if not ONLY.fullmatch(name):
        return
    end = time.perf_counter() + seconds * 0.3
    n = 0
    while time.perf_counter() < end:
        fn(items[n % len(items)]); n += 1
    start = time.perf_counter(); count = 0
    while time.perf_counter() - start < seconds:
        fn(items[count % len(items)]); count += 1
    print(f"{name} {count / (time.perf_counter() - start):.1f}", flush=True)


def main():
    d = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    global ONLY
    ONLY = re.compile(sys.argv[3] if len(sys.argv) > 3 else ".*")
    paths = sorted(os.path.join(d, p) for p in os.listdir(d) if p.endswith(".png"))
    srcs = [Image.open(p).convert("RGB") for p in paths]
    pre = transforms.Compose([transforms.Resize(288), transforms.CenterCrop(288)])
    originals = [pre(s) for s in srcs]
    timeit("resize_crop", pre, srcs, seconds)
    for name, fn in OPS.items():
        timeit(name, fn, originals, seconds)
    timeit("decode_jpeg", decode_jpeg, [jpeg_bytes(o) for o in originals], seconds)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--make-inputs":
        make_inputs(sys.argv[2])
    else:
        main()
