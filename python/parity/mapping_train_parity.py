"""PyTorch side of the training parity tests of issue #5 (spec §6.3–§6.5).

Two fixtures, both read by Java tests (small sizes: C 16, 3×3 maps, hidden sizes of mapping_parity):

1. steps (MappingStepsParityTest): for each model type, initial weights and the losses of 40
   batches = 20 AdamW optimiser steps (COMBINED loss, accumulation 2, lr 1e-3, wd 1e-4), batches
   shared by all models.   keys: x{i}, y{i}, <type>.init.<key>, <type>.loss (40,), <type>.final.<key>
2. run (TrainParityTest): a deterministic 200-pair dataset, each model's initial weights, and the
   outcome of the full loop of §6 (subset/split with the reference's RNGs, no shuffling, drop_last,
   accumulation 2 with the last-odd-batch step, validation with equal batch weights, early stopping,
   odd-epoch top-1 checkpoint, torch's ReduceLROnPlateau).
   keys: src, tgt (N, C, 3, 3), <type>.init.<key>, <type>.val (epochs,), <type>.best (1,), <type>.best_epoch (1,)

Dropout is disabled (p = 0) on both sides: the Java side draws its masks from a per-step Java
generator so resumed runs are exact (MaskSource), which by design differs from torch's generator.
BatchNorm runs in train mode during training, as in the reference.

Run: python3 python/parity/mapping_train_parity.py ml/src/test/resources/fixtures/mapping
"""
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mapping_parity import C, Cnn, Linear, Mlp, Transformer, combined  # noqa: E402

H = W = 3
MODELS = [("linear", Linear), ("mlp", Mlp), ("cnn", Cnn), ("transformer", Transformer)]


def state(prefix, name, m):
    out = {}
    for k, v in m.state_dict().items():
        key = k[len("model."):] if name == "linear" else k
        out[prefix + key] = v.clone().contiguous()
    return out


def steps(out):
    torch.manual_seed(7)
    t = {}
    nb, bs = 40, 4
    mix = torch.randn(C, C) / C ** 0.5
    for i in range(nb):
        x = torch.randn(bs, C, H, W)
        t[f"x{i}"] = x
        t[f"y{i}"] = torch.einsum("oc,bchw->bohw", mix, x) + 0.3 * torch.randn(bs, C, H, W)
    for j, (name, cls) in enumerate(MODELS):
        torch.manual_seed(100 + j)
        m = cls(0.0)
        t.update(state(name + ".init.", name, m))
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-4, betas=(0.9, 0.999), eps=1e-8)
        m.train()
        losses = []
        for i in range(nb):
            loss = combined(m(t[f"x{i}"]), t[f"y{i}"])
            losses.append(loss.item())
            (loss / 2).backward()
            if (i + 1) % 2 == 0 or i == nb - 1:
                opt.step()
                opt.zero_grad()
        t[name + ".loss"] = torch.tensor(losses, dtype=torch.float32)
        t.update(state(name + ".final.", name, m))
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(out, "mapping_steps.safetensors"))


def split(n, subset=8000, val_ratio=0.05):
    """Spec §6.2: numpy default_rng(42).choice, then torch.randperm(k) seeded 42."""
    k = min(subset, n)
    pos = np.random.default_rng(42).choice(n, k, replace=False)
    n_train = int(np.floor((1 - val_ratio) * k))
    perm = torch.randperm(k, generator=torch.Generator().manual_seed(42)).numpy()
    return [int(pos[p]) for p in perm[:n_train]], [int(pos[p]) for p in perm[n_train:]]


def train_full(m, src, tgt, tr, va, bs=8, accum=2, lr=1e-3, max_epochs=12):
    """The loop of spec §6.4/§6.5 as Lightning runs it."""
    opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=1e-4, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", factor=0.5, patience=8, threshold=1e-4, min_lr=1e-6)
    nb = len(tr) // bs  # drop_last
    es_best, es_wait, ck_best, ck_epoch = float("inf"), 0, float("inf"), -1
    vals = []
    for epoch in range(max_epochs):
        m.train()
        for b in range(nb):
            idx = tr[b * bs:(b + 1) * bs]
            loss = combined(m(src[idx]), tgt[idx])
            (loss / accum).backward()
            if (b + 1) % accum == 0 or b == nb - 1:
                opt.step()
                opt.zero_grad()
        m.eval()
        with torch.no_grad():
            vl = [combined(m(src[va[i:i + bs]]), tgt[va[i:i + bs]]).item() for i in range(0, len(va), bs)]
        val = sum(vl) / len(vl)  # equal batch weights
        vals.append(val)
        if (epoch + 1) % 2 == 0 and val < ck_best:
            ck_best, ck_epoch = val, epoch
        if val < es_best - 1e-3:
            es_best, es_wait = val, 0
        else:
            es_wait += 1
        sched.step(val)
        if es_wait >= 6:
            break
    return vals, ck_best, ck_epoch


def run(out):
    torch.manual_seed(11)
    n = 200
    mix = torch.randn(C, C) / C ** 0.5
    bias = 0.5 * torch.randn(C, 1, 1)
    src = torch.randn(n, C, H, W)
    tgt = torch.einsum("oc,bchw->bohw", mix, src) + bias + 0.05 * torch.randn(n, C, H, W)
    t = {"src": src, "tgt": tgt}
    tr, va = split(n)
    for j, (name, cls) in enumerate(MODELS):
        torch.manual_seed(200 + j)
        m = cls(0.0)
        t.update(state(name + ".init.", name, m))
        vals, best, epoch = train_full(m, src, tgt, tr, va)
        t[name + ".val"] = torch.tensor(vals, dtype=torch.float32)
        t[name + ".best"] = torch.tensor([best], dtype=torch.float32)
        t[name + ".best_epoch"] = torch.tensor([epoch], dtype=torch.int64)
        print(name, "epochs", len(vals), "best", best, "at", epoch)
    save_file({k: v.contiguous() for k, v in t.items()}, os.path.join(out, "mapping_run.safetensors"))


if __name__ == "__main__":
    torch.set_num_threads(1)
    steps(sys.argv[1])
    run(sys.argv[1])
