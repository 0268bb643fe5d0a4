#!/usr/bin/env python3
"""Issue #20 4(a) anchor: the reference's manipulate loop with Pillow, images/s end to end.

  manipulate_pillow.py --make-dataset ROOT N   N photo-like JPEGs (q90, 500x375 / 375x500, CUB-like) in
                                               ROOT/images/train/<class>/<id>.jpg (4 classes)
  manipulate_pillow.py ROOT OUT WORKERS        for every image: open, convert("RGB"), Resize(288) +
                                               CenterCrop(288), save <id>_resized.jpg and the 12 operations
                                               (bench_pillow.OPS), each saved as JPEG q75; WORKERS processes
                                               (multiprocessing.Pool, one image per task). Prints JSON.
"""
import json
import multiprocessing as mp
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(__file__))

OPS_NAMES = ["rotation_90", "rotation_180", "rotation_270", "mirror_h", "mirror_v", "noise_40", "mask_top_left_square",
             "mask_bottom_right_square", "mask_big_square_center", "mask_small_square_center", "hue_shift_60", "grayscale"]
_state = {}


def _init(out):
    from PIL import Image  # noqa: F401
    from torchvision import transforms
    import bench_pillow
    _state["pre"] = transforms.Compose([transforms.Resize(288), transforms.CenterCrop(288)])
    _state["ops"] = [(n, bench_pillow.OPS[n]) for n in OPS_NAMES]
    _state["out"] = out


def _ready(_):
    time.sleep(0.05)
    return "pre" in _state


def _one(path):
    from PIL import Image
    cls = os.path.basename(os.path.dirname(path))
    oid = os.path.splitext(os.path.basename(path))[0]
    d = os.path.join(_state["out"], cls, "direct")
    os.makedirs(d, exist_ok=True)
    img = _state["pre"](Image.open(path).convert("RGB"))
    img.save(os.path.join(d, f"{oid}_resized.jpg"), quality=75)
    for name, fn in _state["ops"]:
        fn(img).save(os.path.join(d, f"{oid}_{name}.jpg"), quality=75)
    return 1


def make_dataset(root, n):
    from PIL import Image
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python", "fixtures", "images"))
    from make_image_fixtures import photo_like
    for i in range(n):
        d = os.path.join(root, "images", "train", f"{i % 4 + 1:03d}.class_{i % 4}")
        os.makedirs(d, exist_ok=True)
        img = photo_like(500, 375, i) if i % 3 else photo_like(375, 500, i)
        img.save(os.path.join(d, f"{i + 1:05d}.jpg"), quality=90)
    os.makedirs(os.path.join(root, "images", "test", "001.class_0"), exist_ok=True)


def main():
    if sys.argv[1] == "--make-dataset":
        make_dataset(sys.argv[2], int(sys.argv[3]))
        return
    root, out, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    train = os.path.join(root, "images", "train")
    paths = sorted(os.path.join(train, c, f) for c in os.listdir(train) for f in os.listdir(os.path.join(train, c)))
    with mp.Pool(workers, initializer=_init, initargs=(out,)) as pool:
        pool.map(_ready, range(workers * 4), chunksize=1)  # every worker has imported torchvision before the clock starts
        t0 = time.perf_counter()
        done = sum(pool.imap_unordered(_one, paths, chunksize=1))
        secs = time.perf_counter() - t0
    print(json.dumps({"images": done, "seconds": secs, "img_per_s": done / secs, "workers": workers}))


if __name__ == "__main__":
    main()
