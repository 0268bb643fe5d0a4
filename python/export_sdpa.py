#!/usr/bin/env python3
"""Script libtorch's fused scaled_dot_product_attention as a tiny TorchScript module for the Java transformer.

    python3 python/export_sdpa.py            # writes ml/src/main/resources/org/featmap/ml/mapping/sdpa.pt

The module has no parameters; its forward(q, k, v, dropout_p) is
F.scaled_dot_product_attention(q, k, v, dropout_p=float(dropout_p), is_causal=False) with q, k, v of shape
(B, heads, tokens, head_dim) and dropout_p a 0-dim float64 tensor on the CPU (DJL's NDList forward passes
tensors only). It is what nn.MultiheadAttention calls inside nn.TransformerEncoderLayer (need_weights=False),
i.e. the reference's attention (spec §5.5): scale 1/sqrt(head_dim), softmax, dropout on the attention weights
(training only: the caller passes 0 in eval), weights times v. libtorch picks the kernel per call: flash on
CPU without dropout, the explicit math path on CPU with dropout, flash / memory-efficient on CUDA.

DJL (org.featmap.ml.mapping.FusedAttention) loads it from the jar and runs it with autograd recording, so
backward flows to q, k and v through libtorch's own SDPA backward.

torch is pinned to 2.7.1 (python/requirements-export.txt), the libtorch DJL 0.36.0 bundles, so the scripted
operator schema is the one the Java side runs. python/tests/test_export_sdpa.py checks that the committed
module's code is what this script writes and that it equals the explicit attention.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ml", "src", "main", "resources",
                   "org", "featmap", "ml", "mapping", "sdpa.pt")


class Sdpa(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, dropout_p: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=float(dropout_p.item()),
                                              is_causal=False)


def script():
    return torch.jit.script(Sdpa().eval())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=OUT)
    a = ap.parse_args(argv)
    if not torch.__version__.startswith("2.7.1"):
        sys.exit(f"torch {torch.__version__}: need 2.7.1 (the libtorch of DJL 0.36.0): pip install torch==2.7.1")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    m = script()
    m.save(a.out)
    print(f"wrote {os.path.relpath(a.out)} ({os.path.getsize(a.out)} bytes)\n{m.code}")


if __name__ == "__main__":
    main()
