"""PyTorch anchor for bench/train: the same mapping models and training loop as TrainBench.java
(batch 32, COMBINED loss, accumulate 2, AdamW), on in-memory random batches.
Usage: bench_torch.py TYPE C H W BATCHES WARMUP → "TYPE_C<C>_<H>x<W> samples_per_s"."""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class PerToken(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        b, c, h, w = x.shape
        return self.net(x.permute(0, 2, 3, 1).reshape(-1, c)).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_proj = nn.Linear(c, 512)
        self.pre_norm = nn.LayerNorm(512)
        layer = nn.TransformerEncoderLayer(512, 8, 1024, dropout=0.2, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
        self.output_proj = nn.Linear(512, c)

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.output_proj(self.transformer(self.input_proj(x.permute(0, 2, 3, 1).reshape(b, h * w, c))))
        return t.reshape(b, h, w, c).permute(0, 3, 1, 2)


def model(kind, c):
    if kind == "linear":
        return PerToken(nn.Linear(c, c))
    if kind == "mlp":
        return PerToken(nn.Sequential(nn.Linear(c, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, c)))
    if kind == "cnn":
        return nn.Sequential(nn.Conv2d(c, 512, 3, padding=1), nn.BatchNorm2d(512), nn.ReLU(), nn.Dropout2d(0.2),
                             nn.Conv2d(512, c, 3, padding=1), nn.BatchNorm2d(c))
    return Transformer(c)


def combined(pred, target):
    cos = F.cosine_similarity(F.normalize(pred, dim=1), F.normalize(target, dim=1), dim=1, eps=1e-8)
    cos = cos.clamp(-1 + 1e-8, 1 - 1e-8).reshape(cos.shape[0], -1)
    med = cos.sort(dim=1).values[:, cos.shape[1] // 2]
    return 0.3 * F.mse_loss(pred, target) + 0.7 * (1 - med.mean())


def main():
    kind, c, h, w, batches, warmup = sys.argv[1], *map(int, sys.argv[2:7])
    torch.manual_seed(1)
    m = model(kind, c)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=1e-4)
    xs = [torch.randn(32, c, h, w) for _ in range(2)]
    ys = [torch.randn(32, c, h, w) for _ in range(2)]
    t0 = 0.0
    for b in range(warmup + batches):
        if b == warmup:
            t0 = time.perf_counter()
        loss = combined(m(xs[b % 2]), ys[b % 2])
        loss.item()
        (loss / 2).backward()
        if b % 2 == 1:
            opt.step()
            opt.zero_grad()
    s = time.perf_counter() - t0
    print(f"{kind}_C{c}_{h}x{w} {batches * 32 / s:.2f}")


if __name__ == "__main__":
    main()
