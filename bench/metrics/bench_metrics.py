"""Python anchor for the metric benchmark: scikit-image SSIM/MSE and the OpenCV change mask
(spec 7.3) on 288x288x3 and 1024x1024x3 uint8 images. Prints one JSON line of ops/s."""
import json
import time

import cv2
import numpy as np
from skimage.metrics import mean_squared_error, structural_similarity


def rate(fn, min_time=2.0):
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_time:
        fn()
        n += 1
    return n / (time.perf_counter() - t0)


def change_mask(o, m):
    bo = cv2.GaussianBlur(o, (5, 5), 0)
    bm = cv2.GaussianBlur(m, (5, 5), 0)
    full = np.linalg.norm(np.abs(bo.astype(np.float32) - bm.astype(np.float32)), axis=2) > 50
    h, w = full.shape
    return full[:h // 9 * 9, :w // 9 * 9].reshape(9, h // 9, 9, w // 9).any(axis=(1, 3))


rng = np.random.default_rng(0)
out = {}
for size in (288, 1024):
    a = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    b = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    out[f"ssim_{size}"] = rate(lambda: structural_similarity(a, b, channel_axis=-1, data_range=255))
    out[f"mse_{size}"] = rate(lambda: mean_squared_error(a, b))
    out[f"mask_{size}"] = rate(lambda: change_mask(a, b))
print(json.dumps(out))
