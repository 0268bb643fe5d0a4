#!/usr/bin/env python3
"""Export a timm backbone as per-stage TorchScript modules + manifest.json (spec §3, §12.1).

ConvNeXt-style models (a `stem` and four `stages`):
  stage0.pt = stem + stages[0], stage1.pt .. stage3.pt = stages[1..3]; layer featK = stage0..K chained.
  head.pt   = norm_pre + head (avgpool + LayerNorm2d + Linear): the classifier tail after feat3.
Any other model (e.g. SwinV2):
  features.pt = forward_features (NHWC for SwinV2, as timm returns it); stored as layer feat0.

Preprocessing recorded in the manifest is the one of spec §3.2 (Pillow bilinear Resize(shorter
side) + CenterCrop, /255, ImageNet mean/std), NOT timm's pretrained cfg (bicubic, crop_pct).

Usage:
  python export_backbone.py --timm-id convnext_base.fb_in22k_ft_in1k --input-size 288 --out DIR
  python export_backbone.py --timm-id convnext_atto --input-size 288 \
      --timm-kwargs '{"dims": [32, 64, 128, 256], "depths": [2, 2, 2, 2]}' --out DIR
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import torch

MANIFEST_VERSION = 1
# spec §3.2: ImageNet statistics for both backbones (timm's cfg is not used).
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def weights_hash(model: torch.nn.Module) -> str:
    """sha256 over the state dict (keys sorted; name, dtype, shape, little-endian raw bytes)."""
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        t = t.detach().cpu().contiguous()
        h.update(name.encode())
        h.update(str(t.dtype).encode())
        h.update(str(list(t.shape)).encode())
        h.update(t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.float().numpy().tobytes())
    return h.hexdigest()


class _Seq(torch.nn.Module):
    def __init__(self, *mods):
        super().__init__()
        self.mods = torch.nn.ModuleList(mods)

    def forward(self, x):
        for m in self.mods:
            x = m(x)
        return x


class _Head(torch.nn.Module):
    """timm ConvNeXt classifier tail: norm_pre (identity for convnext_base) + forward_head."""

    def __init__(self, model):
        super().__init__()
        self.norm_pre = model.norm_pre
        self.head = model.head

    def forward(self, x):
        return self.head(self.norm_pre(x))


class _Features(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model.forward_features(x)


def is_convnext_like(model) -> bool:
    return hasattr(model, "stem") and hasattr(model, "stages") and len(model.stages) == 4 \
        and hasattr(model, "head") and hasattr(model, "norm_pre")


def _save_traced(module: torch.nn.Module, example: torch.Tensor, path: Path) -> torch.Tensor:
    module.eval()
    with torch.inference_mode(False), torch.no_grad():
        traced = torch.jit.trace(module, example, check_trace=True)
        out = traced(example)
    tmp = path.with_name(path.name + ".tmp")
    traced.save(str(tmp))
    os.replace(tmp, path)  # a module file is visible only when complete
    return out


def export(timm_id: str, out_dir: Path, input_size: int, timm_kwargs: dict | None = None,
           random_init: bool = True, seed: int = 0, crop: int | None = None) -> dict:
    import timm

    timm_kwargs = dict(timm_kwargs or {})
    torch.manual_seed(seed)
    model = timm.create_model(timm_id, pretrained=not random_init, **timm_kwargs)
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    crop = crop or input_size
    x = torch.randn(1, 3, crop, crop, generator=torch.Generator().manual_seed(seed))

    modules, layers = [], []
    with torch.no_grad():
        if is_convnext_like(model):
            parts = [_Seq(model.stem, model.stages[0])] + [_Seq(model.stages[k]) for k in (1, 2, 3)]
            h = x
            for k, part in enumerate(parts):
                fname = f"stage{k}.pt"
                h = _save_traced(part, h, out_dir / fname)
                modules.append({"file": fname, "sha256": sha256_file(out_dir / fname),
                                "input": "image" if k == 0 else f"stage{k - 1}.pt",
                                "output_shape": list(h.shape[1:]), "output_layout": "NCHW"})
                layers.append({"name": f"feat{k}", "module": fname, "chain": [f"stage{j}.pt" for j in range(k + 1)],
                               "shape": list(h.shape[1:]), "layout": "NCHW"})
            logits = _save_traced(_Head(model), h, out_dir / "head.pt")
            modules.append({"file": "head.pt", "sha256": sha256_file(out_dir / "head.pt"),
                            "input": "stage3.pt", "output_shape": list(logits.shape[1:]), "output_layout": "NC"})
            family = "convnext"
        else:
            fname = "features.pt"
            h = _save_traced(_Features(model), x, out_dir / fname)
            if h.dim() != 4:
                raise SystemExit(f"{timm_id}: forward_features returned shape {list(h.shape)}, expected 4-d")
            nhwc = "swin" in timm_id.lower() or h.shape[-1] > h.shape[1]
            layout = "NHWC" if nhwc else "NCHW"
            chw = [h.shape[3], h.shape[1], h.shape[2]] if nhwc else list(h.shape[1:])
            modules.append({"file": fname, "sha256": sha256_file(out_dir / fname), "input": "image",
                            "output_shape": list(h.shape[1:]), "output_layout": layout})
            # spec §3.3: SwinV2's final normed map is stored (permuted to NCHW) as feat0.
            layers.append({"name": "feat0", "module": fname, "chain": [fname], "shape": [int(v) for v in chw],
                           "layout": "NCHW", "module_layout": layout})
            family = "swinv2" if "swin" in timm_id.lower() else "features"

    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "timm_id": timm_id,
        "timm_kwargs": timm_kwargs,
        "family": family,
        "input_size": input_size,
        "crop": crop,
        "interpolation": "bilinear",
        "mean": IMAGENET_MEAN,
        "std": IMAGENET_STD,
        "weights": "random-init" if random_init else "pretrained",
        "seed": seed if random_init else None,
        "weights_sha256": weights_hash(model),
        "num_params": int(sum(p.numel() for p in model.parameters())),
        "torch_version": torch.__version__,
        "timm_version": timm.__version__,
        "modules": modules,
        "layers": layers,
    }
    tmp = out_dir / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, out_dir / "manifest.json")  # the manifest is written last: it marks a complete export
    return manifest


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--timm-id", required=True)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--input-size", type=int, required=True, help="Resize(shorter side) target, e.g. 288 or 384")
    p.add_argument("--crop", type=int, default=None, help="CenterCrop size (default = input size)")
    p.add_argument("--timm-kwargs", default="{}", help="JSON dict passed to timm.create_model")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--random-init", dest="random_init", action="store_true", default=True,
                   help="random weights (default: this machine has no hub access)")
    g.add_argument("--pretrained", dest="random_init", action="store_false", help="download pretrained weights")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    try:
        kwargs = json.loads(a.timm_kwargs)
        if not isinstance(kwargs, dict):
            raise ValueError("not an object")
    except ValueError as e:
        print(f"--timm-kwargs: invalid JSON object {a.timm_kwargs!r}: {e}", file=sys.stderr)
        return 2
    m = export(a.timm_id, a.out, a.input_size, kwargs, a.random_init, a.seed, a.crop)
    for layer in m["layers"]:
        print(f"{layer['name']}: {layer['shape']} <- {' -> '.join(layer['chain'])}")
    print(f"wrote {a.out}/manifest.json ({m['weights']}, weights sha256 {m['weights_sha256'][:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
