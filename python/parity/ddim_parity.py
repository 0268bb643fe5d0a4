"""Fixtures for the Java DDIM sampler parity test (org.featmap.ml.eval.DdimSamplerParityIT).

Builds a TINY random epsilon-network eps(x_t, t, context, hint) and a tiny "VAE decoder", exports both
as TorchScript exactly as a real FeatInv export would be consumed (same signatures as
python/export_featinv.py), and runs the FeatInv DDIM loop of spec section 7.4 in PyTorch - written
after ldm's DDIMSampler.p_sample_ddim / ControlNet's cldm sampler (two separate eps calls for the
unconditional and conditional branch, float32 schedule buffers, eta 0) - from a fixed x_T.

Run from the repository root:   python3 python/parity/ddim_parity.py
Writes (KBs) to ml/src/test/resources/fixtures/ddim/: tiny_eps.pt, tiny_decoder.pt, ddim.json.
"""
import json
import math
import pathlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[2] / "ml/src/test/resources/fixtures/ddim"
LATENT = (1, 4, 8, 8)
CTX = (1, 77, 8)
SCALE_FACTOR = 0.18215
CFG = 1.75
STEPS = 50


class TinyEps(nn.Module):
    """x (B,4,8,8), t int64 (B,), context (B,77,8), hint (B,4,8,8) -> eps (B,4,8,8)."""

    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(8, 16, 3, padding=1)
        self.t_proj = nn.Linear(8, 16)
        self.c_proj = nn.Linear(8, 16)
        self.conv_out = nn.Conv2d(16, 4, 3, padding=1)

    def forward(self, x, t, context, hint):
        freqs = torch.exp(-math.log(10000.0) * torch.arange(4, dtype=torch.float32, device=x.device) / 4.0)
        args = t.to(torch.float32)[:, None] * freqs[None, :]
        temb = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
        h = self.conv_in(torch.cat([x, hint], dim=1))
        h = h + self.t_proj(temb)[:, :, None, None] + self.c_proj(context.mean(dim=1))[:, :, None, None]
        # skip term keeps the random "denoiser" from blowing the latent up over 50 steps
        return 0.9 * x + 0.2 * self.conv_out(F.silu(h))


class TinyDecoder(nn.Module):
    """z (B,4,8,8) already divided by the scale factor -> image (B,3,16,16) roughly in [-1.2, 1.2]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, z):
        y = torch.tanh(self.conv(z)) * 1.2  # exceeds [-1, 1] so clipping is exercised
        return F.interpolate(y, scale_factor=2.0, mode="nearest")


def schedule():
    """ldm register_schedule + make_ddim_sampling_parameters (float32 buffers)."""
    betas = (torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2).numpy()
    alphas_cumprod = np.cumprod(1.0 - betas, axis=0)
    ac = torch.tensor(alphas_cumprod, dtype=torch.float32)
    ddim_timesteps = np.asarray(list(range(0, 1000, 1000 // STEPS))) + 1
    alphas = ac[ddim_timesteps]
    alphas_prev = np.asarray([ac[0]] + ac[ddim_timesteps[:-1]].tolist())
    sqrt_one_minus_alphas = np.sqrt(1.0 - alphas)
    return alphas_cumprod, ddim_timesteps, alphas, alphas_prev, sqrt_one_minus_alphas


@torch.no_grad()
def ddim(eps, x, cond, uncond, hint):
    _, ddim_timesteps, alphas, alphas_prev, sqrt_one_minus_alphas = schedule()
    time_range = np.flip(ddim_timesteps)
    b = x.shape[0]
    for i, step in enumerate(time_range):
        index = STEPS - i - 1
        ts = torch.full((b,), int(step), dtype=torch.long)
        e_c = eps(x, ts, cond, hint)
        e_u = eps(x, ts, uncond, hint)
        e_t = e_u + CFG * (e_c - e_u)
        a_t = torch.full((b, 1, 1, 1), alphas[index])
        a_prev = torch.full((b, 1, 1, 1), alphas_prev[index])
        sigma_t = torch.full((b, 1, 1, 1), 0.0)
        sqrt_one_minus_at = torch.full((b, 1, 1, 1), sqrt_one_minus_alphas[index])
        pred_x0 = (x - sqrt_one_minus_at * e_t) / a_t.sqrt()
        dir_xt = (1.0 - a_prev - sigma_t ** 2).sqrt() * e_t
        x = a_prev.sqrt() * pred_x0 + dir_xt
    return x


def f32(a):
    return [float(v) for v in a.detach().to(torch.float32).reshape(-1)]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1234)
    eps, dec = TinyEps().eval(), TinyDecoder().eval()
    with torch.no_grad():
        dec.conv.weight.mul_(0.4)
    eps_ts = torch.jit.script(eps)
    dec_ts = torch.jit.script(dec)
    eps_ts.save(str(OUT / "tiny_eps.pt"))
    dec_ts.save(str(OUT / "tiny_decoder.pt"))

    g = torch.Generator().manual_seed(100)
    x_t = torch.randn(LATENT, generator=g)
    cond = torch.randn(CTX, generator=g)
    uncond = torch.randn(CTX, generator=g)
    hint = torch.randn(LATENT, generator=g)
    # run the loop with the saved TorchScript modules, as Java will
    eps_loaded = torch.jit.load(str(OUT / "tiny_eps.pt"))
    dec_loaded = torch.jit.load(str(OUT / "tiny_decoder.pt"))
    z = ddim(eps_loaded, x_t, cond, uncond, hint)
    with torch.no_grad():
        y = dec_loaded(z / SCALE_FACTOR)
    img = (y.permute(0, 2, 3, 1) * 127.5 + 127.5).numpy().clip(0, 255).astype(np.uint8)
    ac, ts, *_ = schedule()
    (OUT / "ddim.json").write_text(json.dumps({
        "generator": "python/parity/ddim_parity.py", "torch": torch.__version__,
        "latent_shape": list(LATENT), "context_shape": list(CTX), "cfg": CFG, "steps": STEPS,
        "x_T": f32(x_t), "cond": f32(cond), "uncond": f32(uncond), "hint": f32(hint),
        "final_latent": f32(z), "decoded_float": f32(y),
        "image_hwc": [int(v) for v in img.reshape(-1)], "image_shape": list(img.shape),
        "alphas_cumprod_checks": {str(k): float(ac[k]) for k in (0, 1, 961, 981, 999)},
        "timesteps": [int(v) for v in ts],
    }))
    # the same tiny export described by a FeatInv manifest, as python/export_featinv.py writes it
    cond.numpy().astype("<f4").tofile(OUT / "cond_context.f32")
    uncond.numpy().astype("<f4").tofile(OUT / "uncond_context.f32")
    (OUT / "featinv_manifest.json").write_text(json.dumps({
        "formatVersion": 1, "backbone": "tiny", "featureKey": "feat_tiny", "featureShape": list(LATENT[1:]),
        "latentShape": list(LATENT[1:]), "contextShape": list(CTX), "imageSize": 16, "scaleFactor": SCALE_FACTOR,
        "tracedBatch": 0, "epsFile": "tiny_eps.pt", "decoderFile": "tiny_decoder.pt",
        "condContextFile": "cond_context.f32", "uncondContextFile": "uncond_context.f32",
        "conditionalPrompt": "(random tiny parity network)", "checkpointSha256": "", "torchVersion": torch.__version__,
    }, indent=1))
    print("final latent norm", float(z.norm()), "image mean", float(img.mean()),
          "clipped", int((img == 0).sum() + (img == 255).sum()))


if __name__ == "__main__":
    main()
