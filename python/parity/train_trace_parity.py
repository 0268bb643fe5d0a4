"""PyTorch side of the step-by-step reproduction test (issue #16 item 5, `featmap train --init`).

A PyTorch user's run, written in the formats `featmap` reads:
  features/feat3.npy, meta.jsonl, pairs.csv, features.json   the format of `featmap features export` (import it)
  order.csv                                                   the batch order of this run (split,pair; pair = index
                                                              in the manipulation's pair list), a shuffled one
  <model>.init.safetensors                                    initial weights in the reference's state-dict layout
                                                              (spec §5.9: the Lightning prefix `model.`)
  <model>.trace.csv                                           phase,epoch,batch,loss: every training batch's loss
                                                              (before the /accumulate) and every epoch's val loss
for linear, mlp, cnn and transformer (small hidden sizes of mapping_parity.py; the hidden sizes are read from
the weights). The loop is spec §6.4 as Lightning runs it: no shuffling beyond the given order, drop_last, COMBINED
loss, accumulation 2 with a step after the last odd batch, AdamW (lr 1e-3, wd 1e-4), validation in eval mode with
equal batch weights, ReduceLROnPlateau; dropout 0 (Java's dropout masks come from its own reseeded stream).
Run with PyPI torch 2.7.1: python3 python/parity/train_trace_parity.py workers/src/test/resources/fixtures/train-trace
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mapping_parity import C, H, W, Cnn, Linear, Mlp, Transformer, combined  # noqa: E402

IDS, BATCH, EPOCHS, VAL = 56, 8, 3, 8
MODELS = [("linear", Linear), ("mlp", Mlp), ("cnn", Cnn), ("transformer", Transformer)]


def features(out):
    """Rows in enumeration order: per id its resized row, then its grayscale row (pairs: id k -> rows 2k, 2k+1)."""
    torch.manual_seed(21)
    mix = torch.randn(C, C) / C ** 0.5
    src = torch.randn(IDS, C, H, W)
    tgt = torch.einsum("oc,bchw->bohw", mix, src) + 0.2 + 0.05 * torch.randn(IDS, C, H, W)
    rows = torch.stack([src, tgt], 1).reshape(2 * IDS, C, H, W).contiguous()
    d = os.path.join(out, "features")
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "feat3.npy"), rows.numpy().astype("<f4"))
    with open(os.path.join(d, "meta.jsonl"), "w") as f:
        for r in range(2 * IDS):
            k = r // 2
            f.write(json.dumps({"original_id": f"{k + 1:05d}", "manipulation": "resized" if r % 2 == 0 else "grayscale",
                                "path": f"c/direct/{k + 1:05d}_{'resized' if r % 2 == 0 else 'grayscale'}.jpg",
                                "row_idx": r, "class_id": k % 4, "sample_id": r}) + "\n")
    with open(os.path.join(d, "pairs.csv"), "w") as f:
        f.write("o_idx,m_idx,manipulation\n")
        for k in range(IDS):
            f.write(f"{2 * k},{2 * k + 1},grayscale\n")
    with open(os.path.join(d, "features.json"), "w") as f:
        json.dump({"backbone": "pytorch", "weights_sha256": "none", "layer": "feat3", "dataset": "TRACE", "split": "train",
                   "source": "direct", "dtype": "float32", "compression": "none"}, f)
    return src, tgt


def order(out):
    perm = torch.randperm(IDS, generator=torch.Generator().manual_seed(5)).tolist()
    train, val = perm[:IDS - VAL], perm[IDS - VAL:]
    with open(os.path.join(out, "order.csv"), "w") as f:
        f.write("split,pair\n")
        for p in train:
            f.write(f"train,{p}\n")
        for p in val:
            f.write(f"val,{p}\n")
    return train, val


def reference_keys(name, m):
    out = {}
    for k, v in m.state_dict().items():
        key = k[len("model."):] if name == "linear" else k  # the Linear wrapper's own "model." (see mapping_parity)
        out["model." + key] = v.clone().contiguous()
    return out


def run(m, src, tgt, train, val, trace):
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-4, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=8, threshold=1e-4, min_lr=1e-6)
    nb = len(train) // BATCH
    for epoch in range(EPOCHS):
        m.train()
        for b in range(nb):
            idx = train[b * BATCH:(b + 1) * BATCH]
            loss = combined(m(src[idx]), tgt[idx])
            trace.append(("train", epoch, b, loss.item()))
            (loss / 2).backward()
            if (b + 1) % 2 == 0 or b == nb - 1:
                opt.step()
                opt.zero_grad()
        m.eval()
        with torch.no_grad():
            vl = [combined(m(src[val[i:i + BATCH]]), tgt[val[i:i + BATCH]]).item() for i in range(0, len(val), BATCH)]
        v = sum(vl) / len(vl)
        trace.append(("val", epoch, -1, v))
        sched.step(v)


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    src, tgt = features(out)
    train, val = order(out)
    for j, (name, cls) in enumerate(MODELS):
        torch.manual_seed(300 + j)
        m = cls(0.0)
        save_file(reference_keys(name, m), os.path.join(out, name + ".init.safetensors"))
        trace = []
        run(m, src, tgt, train, val, trace)
        with open(os.path.join(out, name + ".trace.csv"), "w") as f:
            f.write("phase,epoch,batch,loss\n")
            for phase, e, b, loss in trace:
                f.write(f"{phase},{e},{b},{loss!r}\n")
        print(name, "last train loss", trace[-2][3], "val", trace[-1][3])
    print("torch", torch.__version__)
