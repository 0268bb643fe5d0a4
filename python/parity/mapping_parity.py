"""PyTorch side of the mapping parity test (spec §5, §6.3, §6.4).

Builds the four reference modules (as spec §5 describes model_implementations.py) with small hidden
sizes, runs an eval-mode forward on a fixed input, and runs 3 AdamW steps (accumulation 2, last odd
batch steps too) of the linear mapping with the COMBINED loss. Writes everything as one safetensors
file that MappingParityTest (Java) loads:
  <type>.<state key>        initial weights (cnn: running stats after 3 train-mode forwards)
  x, <type>.y               eval input and output
  train.x{i}, train.y{i}    3 training batches; train.loss{i} losses; train.final.<key> weights after
Run: python3 python/parity/mapping_parity.py ml/src/test/resources/fixtures/mapping/mapping_parity.safetensors
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

C, H, W = 16, 3, 3
MLP_H, CNN_H, D, HEADS, FFN, LAYERS = 32, 24, 32, 8, 64, 4


class Linear(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()
        self.model = nn.Linear(C, C)

    def forward(self, x):
        b, c, h, w = x.shape
        t = x.permute(0, 2, 3, 1).reshape(-1, c)
        return self.model(t).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Mlp(nn.Module):
    def __init__(self, p=0.2):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(C, MLP_H), nn.ReLU(), nn.Dropout(p), nn.Linear(MLP_H, C))

    def forward(self, x):
        b, c, h, w = x.shape
        t = x.permute(0, 2, 3, 1).reshape(-1, c)
        return self.fc(t).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Cnn(nn.Module):
    def __init__(self, p=0.2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(C, CNN_H, 3, padding=1), nn.BatchNorm2d(CNN_H), nn.ReLU(), nn.Dropout2d(p),
            nn.Conv2d(CNN_H, C, 3, padding=1), nn.BatchNorm2d(C))

    def forward(self, x):
        return self.net(x)


class Transformer(nn.Module):
    def __init__(self, p=0.2):
        super().__init__()
        self.input_proj = nn.Linear(C, D)
        self.pre_norm = nn.LayerNorm(D)  # unused, as in the reference
        layer = nn.TransformerEncoderLayer(D, HEADS, FFN, dropout=p, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.output_proj = nn.Linear(D, C)

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.input_proj(x.permute(0, 2, 3, 1).reshape(b, h * w, c))
        t = self.output_proj(self.transformer(t))
        return t.reshape(b, h, w, c).permute(0, 3, 1, 2)


def combined(pred, target):
    mse = F.mse_loss(pred, target)
    p = F.normalize(pred, dim=1)
    t = F.normalize(target, dim=1)
    cos = F.cosine_similarity(p, t, dim=1, eps=1e-8).clamp(-1 + 1e-8, 1 - 1e-8)
    cos = cos.reshape(cos.shape[0], -1)
    med = cos.sort(dim=1).values[:, cos.shape[1] // 2]  # upper median (spec §6.3)
    return 0.3 * mse + 0.7 * (1 - med.mean())


def main(out):
    torch.manual_seed(1234)
    t = {}
    x = torch.randn(2, C, H, W)
    t["x"] = x
    for name, cls in [("linear", Linear), ("mlp", Mlp), ("cnn", Cnn), ("transformer", Transformer)]:
        m = cls()
        if name == "cnn":
            m.train()
            with torch.no_grad():
                for _ in range(3):
                    m(torch.randn(4, C, H, W) * 2 + 0.5)
        if name == "transformer":
            # give the layers distinct weights so a layer mix-up would show
            with torch.no_grad():
                for p in m.transformer.parameters():
                    p.add_(0.01 * torch.randn_like(p))
        m.eval()
        with torch.no_grad():
            t[name + ".y"] = m(x)
        sd = m.state_dict()
        for k, v in sd.items():
            key = k[len("model."):] if name == "linear" else k
            t[name + "." + key] = v.clone().contiguous()

    # AdamW parity on the linear mapping: 3 batches, accumulate 2, step after batch 2 and 3
    m = Linear()
    for k, v in m.state_dict().items():
        t["train.init." + k[len("model."):]] = v.clone()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-2, weight_decay=1e-4, betas=(0.9, 0.999), eps=1e-8)
    m.train()
    nb = 3
    for i in range(nb):
        xb = torch.randn(4, C, H, W)
        yb = torch.randn(4, C, H, W) * 0.5 + xb.roll(1, dims=1)
        t[f"train.x{i}"] = xb
        t[f"train.y{i}"] = yb
        loss = combined(m(xb), yb)
        t[f"train.loss{i}"] = loss.detach().reshape(1)
        (loss / 2).backward()
        if (i + 1) % 2 == 0 or i == nb - 1:
            opt.step()
            opt.zero_grad()
    for k, v in m.state_dict().items():
        t["train.final." + k[len("model."):]] = v.clone()
    save_file({k: v.contiguous() for k, v in t.items()}, out)
    print("wrote", out, sum(v.numel() for v in t.values()), "values")


if __name__ == "__main__":
    main(sys.argv[1])
