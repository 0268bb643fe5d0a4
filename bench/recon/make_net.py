#!/usr/bin/env python3
"""A small random FeatInv-shaped export for bench/recon (not committed; written to bench/out/recon/).

Same layout and signatures as python/export_featinv.py (and python/parity/ddim_parity.py's tiny parity
net), sized so one reconstruction costs about a second on one CPU thread (quiet machine), so timings mean something:
  eps(x (B,4,32,32), t int64 (B,), context (B,77,128), hint (B,256,9,9)) — a hint block (bilinear 9→32,
    conv, SiLU, conv), a 3-level UNet (32/64/64 channels, GroupNorm + SiLU ResBlocks with a timestep
    embedding, cross-attention to the context at 16×16 and 8×8, skip connections);
  decoder(z (B,4,32,32)) -> (B,3,256,256): three ×2 nearest upsamples with convs.
Real FeatInv is ControlNet + SD-1.x UNet (~1.2 G parameters, latent 4×32×32, hint 1024×9×9, context
77×768): per call it costs ~100× more, so the loop's overhead fraction measured here is an upper bound.
Also writes N fixed feature maps and x_T (seeded), read by both the Java and the PyTorch bench.
Usage: python3 bench/recon/make_net.py OUT_DIR N
"""
import json
import math
import pathlib
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

CTX = (1, 77, 128)
HINT = (256, 9, 9)
LATENT = (4, 32, 32)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2, self.c2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x))) + self.t(temb)[:, :, None, None]
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class CrossAttn(nn.Module):
    def __init__(self, ch, dctx, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(8, ch)
        self.q, self.k, self.v = nn.Linear(ch, ch), nn.Linear(dctx, ch), nn.Linear(dctx, ch)
        self.o = nn.Linear(ch, ch)

    def forward(self, x, ctx):
        b, c, h, w = x.shape
        q = self.q(self.norm(x).flatten(2).transpose(1, 2))  # (b, hw, c)
        k, v = self.k(ctx), self.v(ctx)
        d = c // self.heads
        q = q.reshape(b, h * w, self.heads, d).transpose(1, 2)
        k = k.reshape(b, -1, self.heads, d).transpose(1, 2)
        v = v.reshape(b, -1, self.heads, d).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), dim=-1) @ v
        return x + self.o(a.transpose(1, 2).reshape(b, h * w, c)).transpose(1, 2).reshape(b, c, h, w)


class Eps(nn.Module):
    def __init__(self):
        super().__init__()
        ch, temb, dctx = 32, 128, CTX[2]
        self.t1, self.t2 = nn.Linear(64, temb), nn.Linear(temb, temb)
        self.hint = nn.Sequential(nn.Conv2d(HINT[0], 32, 3, padding=1), nn.SiLU(), nn.Conv2d(32, ch, 3, padding=1))
        self.conv_in = nn.Conv2d(4, ch, 3, padding=1)
        self.r1 = ResBlock(ch, ch, temb)
        self.d1 = nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1)
        self.r2, self.a2 = ResBlock(2 * ch, 2 * ch, temb), CrossAttn(2 * ch, dctx)
        self.d2 = nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1)
        self.r3, self.a3 = ResBlock(2 * ch, 2 * ch, temb), CrossAttn(2 * ch, dctx)
        self.mid = ResBlock(2 * ch, 2 * ch, temb)
        self.u2, self.ua2 = ResBlock(4 * ch, 2 * ch, temb), CrossAttn(2 * ch, dctx)
        self.u1 = ResBlock(3 * ch, ch, temb)
        self.out = nn.Sequential(nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, 4, 3, padding=1))

    def forward(self, x, t, context, hint):
        half = 32
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=x.device) / half)
        args = t.to(torch.float32)[:, None] * freqs[None, :]
        temb = self.t2(F.silu(self.t1(torch.cat([torch.cos(args), torch.sin(args)], dim=1))))
        g = self.hint(F.interpolate(hint, size=(32, 32), mode="bilinear", align_corners=False))
        h1 = self.r1(self.conv_in(x) + g, temb)                       # 32x32
        h2 = self.a2(self.r2(self.d1(h1), temb), context)             # 16x16
        h3 = self.a3(self.r3(self.d2(h2), temb), context)             # 8x8
        m = self.mid(h3, temb)
        u = F.interpolate(m, scale_factor=2.0, mode="nearest")
        u = self.ua2(self.u2(torch.cat([u, h2], 1), temb), context)   # 16x16
        u = F.interpolate(u, scale_factor=2.0, mode="nearest")
        u = self.u1(torch.cat([u, h1], 1), temb)                      # 32x32
        return 0.9 * x + 0.1 * self.out(u)  # the skip keeps a random "denoiser" bounded over 50 steps


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.c0 = nn.Conv2d(4, 32, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(32, 16, 3, padding=1), nn.Conv2d(16, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1)])
        self.out = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, z):
        h = F.silu(self.c0(z))
        for c in self.ups:
            h = F.silu(c(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return torch.tanh(self.out(h)) * 1.1


def main():
    out, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(2026)
    eps, dec = Eps().eval(), Decoder().eval()
    for p in list(eps.parameters()) + list(dec.parameters()):
        p.requires_grad_(False)
    torch.jit.script(eps).save(str(out / "eps.pt"))
    torch.jit.script(dec).save(str(out / "decoder.pt"))
    g = torch.Generator().manual_seed(100)
    torch.randn(CTX, generator=g).numpy().astype("<f4").tofile(out / "cond_context.f32")
    torch.randn(CTX, generator=g).numpy().astype("<f4").tofile(out / "uncond_context.f32")
    torch.randn((n,) + HINT, generator=g).numpy().astype("<f4").tofile(out / "features.f32")
    torch.randn((1,) + LATENT, generator=g).numpy().astype("<f4").tofile(out / "x_T.f32")  # shared, as reseeding gives
    (out / "featinv_manifest.json").write_text(json.dumps({
        "formatVersion": 1, "backbone": "bench", "featureKey": "feat_bench", "featureShape": list(HINT),
        "latentShape": list(LATENT), "contextShape": list(CTX), "imageSize": 256, "scaleFactor": 0.18215,
        "tracedBatch": 0, "epsFile": "eps.pt", "decoderFile": "decoder.pt",
        "condContextFile": "cond_context.f32", "uncondContextFile": "uncond_context.f32",
        "conditionalPrompt": "(random bench network, bench/recon/make_net.py)", "checkpointSha256": "",
        "torchVersion": torch.__version__,
    }, indent=1))
    params = sum(p.numel() for p in eps.parameters())
    print(f"wrote {out}: eps {params / 1e6:.2f} M parameters, {n} feature maps {HINT}")


if __name__ == "__main__":
    main()
