#!/usr/bin/env python3
"""A near-zero-cost backbone export for issue #20 4(c): the pipeline alone, as if the GPU's forward were free.

Usage: make_identity_export.py OUT_DIR   (torch from PyPI)
One TorchScript module, x[:, :, ::32, ::32] (a strided view copied out: [3, 9, 9] per 288x288 image), with a
manifest like python/export_backbone.py's (ConvNeXt preprocessing: Resize 288, CenterCrop 288, ImageNet mean/std),
so the Java ExtractStage and bench/extract/py_extract.py both run it unchanged.
"""
import hashlib
import json
import sys
from pathlib import Path

import torch


class Subsample(torch.nn.Module):
    def forward(self, x):
        return x[:, :, ::32, ::32].contiguous()


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    m = torch.jit.trace(Subsample().eval(), torch.zeros(2, 3, 288, 288))
    m.save(str(out / "stage0.pt"))
    sha = hashlib.sha256((out / "stage0.pt").read_bytes()).hexdigest()
    man = {"manifest_version": 1, "timm_id": "identity_subsample", "timm_kwargs": {}, "family": "convnext",
           "input_size": 288, "crop": 288, "interpolation": "bilinear",
           "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "weights": "none", "seed": 0,
           "weights_sha256": sha, "num_params": 0, "torch_version": torch.__version__, "timm_version": "none",
           "modules": [{"file": "stage0.pt", "sha256": sha, "input": "image", "output_shape": [3, 9, 9], "output_layout": "NCHW"}],
           "layers": [{"name": "feat0", "module": "stage0.pt", "chain": ["stage0.pt"], "shape": [3, 9, 9], "layout": "NCHW"}]}
    (out / "manifest.json").write_text(json.dumps(man, indent=2))
    print(out)


if __name__ == "__main__":
    main()
