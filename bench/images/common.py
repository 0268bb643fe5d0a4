"""Shared by the images benchmark scripts: the same input images for Python and Java."""
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python", "fixtures", "images"))
from make_image_fixtures import photo_like, random_image  # noqa: E402


def make_inputs(out_dir, n=8):
    """n photo-like non-square images (400x300 / 300x400) + 2 random ones, as PNG."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i in range(n):
        img = photo_like(400, 300, i) if i % 2 == 0 else photo_like(300, 400, i)
        p = os.path.join(out_dir, f"img_{i:02d}.png")
        img.save(p)
        paths.append(p)
    for i in range(2):
        p = os.path.join(out_dir, f"rnd_{i:02d}.png")
        random_image(100 + i, 400, 300).save(p)
        paths.append(p)
    return paths
