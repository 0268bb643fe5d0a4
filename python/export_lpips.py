#!/usr/bin/env python3
"""Export lpips 0.1.4's AlexNet-LPIPS (net='alex', version '0.1', spec §7.3) as one TorchScript module.

    lpips.pt: forward(x, y) -> (N,1,1,1) distance; x, y are float32 RGB NCHW already scaled to [-1, 1]
    (x/127.5 - 1, as the reference's evaluator does); the module applies lpips' ScalingLayer itself.
    manifest.json: what was exported, with the module's sha256 (org.featmap.ml.eval.Lpips checks it).

Real LPIPS (what the evaluation needs), on a machine with internet access:

    pip install -r python/requirements-export.txt        # torch 2.7.1, lpips 0.1.4
    python3 python/export_lpips.py --out models/lpips-alex

lpips builds torchvision's AlexNet with pretrained ImageNet weights, which torchvision downloads once from
download.pytorch.org into $TORCH_HOME (default ~/.cache/torch/hub/checkpoints/alexnet-owt-7be5be79.pth);
the linear-layer weights ship inside the lpips package (lpips/weights/v0.1/alex.pth). To export on a machine
without internet, copy that alexnet-owt-*.pth file into the same cache directory first. Point the test
stage's lpips setting at the --out directory (org.featmap.ml.eval.Lpips.open reads its manifest.json).

--random-init: lpips.LPIPS(net='alex', pretrained=True, pnet_rand=True) after torch.manual_seed(--seed):
the AlexNet trunk is torchvision's random initialisation (no download), the linear-layer weights are still
the ones lpips ships. Numbers from such an export are not LPIPS values of the paper; the Java parity test
(org.featmap.ml.eval.LpipsAlexParityIT, fixture python/fixtures/lpips/make_lpips_alex_fixture.py) uses it
to show that the Java path equals the lpips package on the full AlexNet computation.
--tiny: a test-only module with the same signature and the same LPIPS computation (ScalingLayer,
normalize_tensor over channels, squared difference, 1x1 linear weights, spatial mean, sum over layers)
on a 3-layer random conv trunk of 4/8/8 channels — a few KB, committed as the Java parity fixture
(the real AlexNet export is ~10 MB, too large to commit).
"""
import argparse
import hashlib
import importlib.metadata
import json
import os
import sys

import torch
import torch.nn as nn


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class AlexLpips(nn.Module):
    """lpips.LPIPS.forward(in0, in1) for version 0.1, non-spatial, as a traceable module."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, y):
        return self.m(x, y, normalize=False)


class TinyLpips(nn.Module):
    """Same computation as lpips.LPIPS (v0.1) on a tiny trunk; test fixture only."""

    def __init__(self):
        super().__init__()
        import lpips
        self.scaling_layer = lpips.ScalingLayer()
        self.s1 = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU())
        self.s2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, padding=1), nn.ReLU())
        self.s3 = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        self.lins = nn.ModuleList([lpips.NetLinLayer(c, use_dropout=True) for c in (4, 8, 8)])
        for lin in self.lins:  # lpips' learned weights are non-negative; keep that property
            with torch.no_grad():
                lin.model[-1].weight.abs_()

    def trunk(self, x):
        h1 = self.s1(x)
        h2 = self.s2(h1)
        h3 = self.s3(h2)
        return [h1, h2, h3]

    def forward(self, x, y):
        import lpips
        o0, o1 = self.trunk(self.scaling_layer(x)), self.trunk(self.scaling_layer(y))
        val = 0
        for k in range(3):
            d = (lpips.normalize_tensor(o0[k]) - lpips.normalize_tensor(o1[k])) ** 2
            val = val + lpips.spatial_average(self.lins[k](d), keepdim=True)
        return val


def weights_sha256(model):
    """Fingerprint of the parameters and buffers (state_dict order, values only, float32 little-endian, so a
    wrapper's key prefix does not matter): tells whether a re-export from the same seed reproduced the same
    random trunk (TorchScript zips are not byte-reproducible)."""
    h = hashlib.sha256()
    for v in model.state_dict().values():
        h.update(v.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())
    return h.hexdigest()


def build(args):
    import lpips
    if args.tiny:
        torch.manual_seed(args.seed)
        return TinyLpips().eval(), "tiny-test", "random-init (test fixture, not LPIPS)"
    if args.random_init:
        torch.manual_seed(args.seed)
    m = lpips.LPIPS(net="alex", version="0.1", pretrained=True, pnet_rand=args.random_init, verbose=False).eval()
    return AlexLpips(m).eval(), "alex", ("random-init trunk + lpips linear weights" if args.random_init
                                         else "torchvision AlexNet (pretrained) + lpips linear weights")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--random-init", action="store_true",
                    help="random AlexNet trunk (pnet_rand=True, seeded), lpips' shipped linear weights; no download")
    ap.add_argument("--tiny", action="store_true", help="tiny test trunk (fixture of LpipsTest)")
    ap.add_argument("--seed", type=int, default=0, help="torch.manual_seed before building (--random-init, --tiny)")
    args = ap.parse_args()
    import lpips
    os.makedirs(args.out, exist_ok=True)
    model, net, weights = build(args)
    for p in model.parameters():
        p.requires_grad_(False)
    g = torch.Generator().manual_seed(1)
    ex = (torch.rand(2, 3, 64, 64, generator=g) * 2 - 1, torch.rand(2, 3, 64, 64, generator=g) * 2 - 1)
    with torch.no_grad():
        traced = torch.jit.trace(model, ex)
    path = os.path.join(args.out, "lpips.pt")
    traced.save(path)
    # self-check: the saved module equals the eager one at another size and batch
    loaded = torch.jit.load(path)
    a, b = torch.rand(3, 3, 80, 72, generator=g) * 2 - 1, torch.rand(3, 3, 80, 72, generator=g) * 2 - 1
    with torch.no_grad():
        diff = (loaded(a, b) - model(a, b)).abs().max().item()
    if diff > 1e-6:
        sys.exit(f"export_lpips: traced module disagrees with eager lpips by {diff}")
    manifest = {
        "manifest_version": 1, "kind": "lpips", "net": net, "lpips_version": importlib.metadata.version("lpips"),
        "version": "0.1", "weights": weights, "seed": args.seed, "torch_version": torch.__version__,
        "module": "lpips.pt", "sha256": sha256(path), "weights_sha256": weights_sha256(model),
        "input": "two float32 RGB NCHW tensors scaled to [-1, 1] (x/127.5 - 1)", "output": "(N,1,1,1) distance",
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"{path}: {net}, {weights}, self-check max diff {diff:.2e}")


if __name__ == "__main__":
    main()
