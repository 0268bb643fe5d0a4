"""PyTorch twin of org.featmap.ml.reconstruct.DecoderModel, for the training-throughput anchor.

Same layers, init and Adam as the Java model; trains on random features / images of the store's shape
(throughput only: the data does not matter for samples/s).
Usage: python3 decoder_torch.py C H W S WIDTH BATCH STEPS THREADS
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Resample(nn.Module):
    def __init__(self, side, mode):
        super().__init__()
        self.side, self.mode = side, mode

    def forward(self, x):
        if self.mode == "nearest":
            return F.interpolate(x, size=(self.side, self.side), mode="nearest")
        # DJL's PyTorch engine calls interpolate with antialias=True (matters when shrinking only)
        return F.interpolate(x, size=(self.side, self.side), mode="bilinear", align_corners=False, antialias=True)


def build(c, h, w, s, width, min_width=16):
    k = max(0, round(math.log(s / max(h, w)) / math.log(2)))
    base = max(1, -(-s // (1 << k)))
    layers = []
    if h != base or w != base:
        layers.append(Resample(base, "bilinear"))
    layers += [nn.Conv2d(c, width, 1), nn.GroupNorm(8, width), nn.ReLU(),
               nn.Conv2d(width, width, 3, padding=1), nn.GroupNorm(8, width), nn.ReLU()]
    side, cin = base, width
    for i in range(k):
        side *= 2
        out = max(min_width, width >> (i + 1))
        layers += [Resample(side, "nearest"), nn.Conv2d(cin, out, 3, padding=1), nn.GroupNorm(8, out), nn.ReLU()]
        cin = out
    if side != s:
        layers.append(Resample(s, "bilinear"))
    layers += [nn.Conv2d(cin, 3, 3, padding=1), nn.Sigmoid()]
    return nn.Sequential(*layers)


def main():
    c, h, w, s, width, batch, steps, threads = map(int, sys.argv[1:9])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = build(c, h, w, s, width)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(batch, c, h, w)
    y = torch.rand(batch, 3, s, s)
    for _ in range(3):  # warm-up
        opt.zero_grad()
        F.l1_loss(net(x), y).backward()
        opt.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        F.l1_loss(net(x), y).backward()
        opt.step()
    dt = time.perf_counter() - t0
    print(f"torch {torch.__version__} threads={threads} C={c} h={h} w={w} S={s} width={width} batch={batch}: "
          f"{steps * batch / dt:.1f} samples/s")


if __name__ == "__main__":
    main()
