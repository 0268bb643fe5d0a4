"""The source images of one split, selected and preprocessed as the Java side does.

Mirrors ml/.../images/DatasetIngest.java (class order of spec §1.3, numeric ids of §1.2, files sorted
by name — the reference's raw directory order is a documented departure, spec §11 B16) and
ResizeCrop.java (torchvision Resize(288) + CenterCrop(288) on a PIL image, spec §1.4/§3.6).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"}
_ID = re.compile(r"(\d+)\.[^.]*$")
_LEADING_DIGITS = re.compile(r"^(\d+)")


@dataclass(frozen=True)
class SourceImage:
    id: str
    class_name: str
    file: Path


def is_image_name(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and not name.startswith(".") and name[dot:].lower() in IMAGE_EXTENSIONS


def order_classes(names: list[str]) -> list[str]:
    """Spec §1.3: by the integer of the leading digits, names without them last; ties by name."""
    def key(n: str):
        m = _LEADING_DIGITS.match(n)
        return (0, int(m.group(1))) if m else (1, 0)
    return sorted(sorted(names), key=key)


def scan_split(root: Path, split: str, num_classes: int) -> list[tuple[str, list[SourceImage]]]:
    """[(class, images in file-name order)] of `<root>/images/<split>`, limited to num_classes (-1 = all)."""
    d = root / "images" / split
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: split folder not found (expected <root>/images/{{train,test}}/<class>/<file>)")
    if num_classes == 0 or num_classes < -1:
        raise ValueError(f"num_classes {num_classes} must be -1 (all) or > 0")
    classes = order_classes([p.name for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")])
    if num_classes > 0:
        classes = classes[:num_classes]
    out = []
    for cls in classes:
        imgs = []
        for f in sorted(p.name for p in (d / cls).iterdir() if p.is_file()):
            if not is_image_name(f):
                continue
            m = _ID.search(f)
            if m is None:
                raise ValueError(f"{d / cls / f}: file name has no numeric id before the extension (spec §1.2 wants e.g. 00042.jpg)")
            imgs.append(SourceImage(m.group(1), cls, d / cls / f))
        out.append((cls, imgs))
    return out


def resize_crop(img: Image.Image, size: int) -> Image.Image:
    """torchvision Resize(size) then CenterCrop(size) on a PIL image (bilinear, Pillow's antialiasing)."""
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.BILINEAR)
    top = int(round((nh - size) / 2.0))
    left = int(round((nw - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def load_rgb(p: Path) -> Image.Image:
    if p.stat().st_size == 0:
        raise IOError(f"{p}: empty file (0 bytes)")
    try:
        with Image.open(p) as im:
            return im.convert("RGB")
    except (OSError, SyntaxError, ValueError) as e:
        raise IOError(f"{p}: not a decodable image ({e})") from e


def encode(img: Image.Image, fmt: str) -> bytes:
    """The reference's JPEG (Pillow default quality 75, spec §1.5) or lossless PNG (spec §12.3)."""
    b = io.BytesIO()
    if fmt == "jpg":
        img.convert("RGB").save(b, format="JPEG", quality=75)
    elif fmt == "png":
        img.convert("RGB").save(b, format="PNG")
    else:
        raise ValueError(f"format '{fmt}' is not one of jpg, png")
    return b.getvalue()
