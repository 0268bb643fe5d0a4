#!/usr/bin/env python3
"""PyTorch anchor of bench/recon: the FeatInv DDIM loop of spec §7.4 (50 steps, eta 0, CFG 1.75, decode,
·127.5+127.5, clip, truncate to uint8) over N samples with the same TorchScript modules and inputs as the
Java bench, one sample per loop or B per loop (one ε call on 2B rows: B unconditional then B conditional,
as org.featmap.ml.eval.DdimSampler does). Mode "ref" is the reference's way: one sample, two ε calls per
step (ldm/ControlNet DDIM sampler). Prints one JSON line.
Usage: python3 bench/recon/recon_torch.py DIR N THREADS MODE...   (MODE: ref | 1 | 4 | 8 ...)
"""
import json
import pathlib
import sys
import time

import numpy as np
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "python" / "parity"))
from ddim_parity import schedule  # noqa: E402  (ldm's float32 DDIM buffers)

STEPS, CFG, SCALE = 50, 1.75, 0.18215


class Timed:
    def __init__(self, m):
        self.m, self.ns, self.calls = m, 0, 0

    def __call__(self, *a):
        t0 = time.perf_counter_ns()
        r = self.m(*a)
        self.ns += time.perf_counter_ns() - t0
        self.calls += 1
        return r


def sample(eps, dec, x, cond, uncond, hint, two_calls):
    _, ddim_timesteps, alphas, alphas_prev, sqrt_one_minus = schedule()
    b = x.shape[0]
    both_ctx = torch.cat([uncond.expand(b, -1, -1), cond.expand(b, -1, -1)])
    both_hint = torch.cat([hint, hint])
    c, u = cond.expand(b, -1, -1), uncond.expand(b, -1, -1)
    for i, step in enumerate(np.flip(ddim_timesteps)):
        index = STEPS - i - 1
        if two_calls:
            ts = torch.full((b,), int(step), dtype=torch.long)
            e_c, e_u = eps(x, ts, c, hint), eps(x, ts, u, hint)
        else:
            ts = torch.full((2 * b,), int(step), dtype=torch.long)
            e_u, e_c = eps(torch.cat([x, x]), ts, both_ctx, both_hint).chunk(2)
        e_t = e_u + CFG * (e_c - e_u)
        a_t, a_prev = float(alphas[index]), float(alphas_prev[index])
        pred_x0 = (x - float(sqrt_one_minus[index]) * e_t) / a_t ** 0.5
        x = a_prev ** 0.5 * pred_x0 + (1.0 - a_prev) ** 0.5 * e_t
    y = dec(x / SCALE)
    return (y.permute(0, 2, 3, 1) * 127.5 + 127.5).numpy().clip(0, 255).astype(np.uint8)


def main():
    d, n, threads, modes = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    torch.set_num_threads(threads)
    mf = json.loads((d / "featinv_manifest.json").read_text())
    ctx = tuple(mf["contextShape"])
    cond = torch.from_numpy(np.fromfile(d / mf["condContextFile"], "<f4").reshape(ctx))
    uncond = torch.from_numpy(np.fromfile(d / mf["uncondContextFile"], "<f4").reshape(ctx))
    fshape = (n,) + tuple(mf["featureShape"])
    feats = torch.from_numpy(np.fromfile(d / "features.f32", "<f4", count=int(np.prod(fshape))).reshape(fshape))
    x_t = torch.from_numpy(np.fromfile(d / "x_T.f32", "<f4").reshape((1,) + tuple(mf["latentShape"])))
    eps, dec = Timed(torch.jit.load(str(d / mf["epsFile"]))), Timed(torch.jit.load(str(d / mf["decoderFile"])))
    res = {"threads": threads, "n": n, "torch": torch.__version__}
    with torch.no_grad():
        for mode in modes:
            two, b = mode == "ref", 1 if mode == "ref" else int(mode)
            sample(eps, dec, x_t.expand(b, -1, -1, -1), cond, uncond, feats[:b], two)  # warm-up
            eps.ns = dec.ns = eps.calls = 0
            imgs = []
            t0 = time.perf_counter_ns()
            for s in range(0, n, b):
                h = feats[s:s + b]
                imgs.append(sample(eps, dec, x_t.expand(h.shape[0], -1, -1, -1), cond, uncond, h, two))
            total = time.perf_counter_ns() - t0
            res[mode] = {"rec_per_s": n / (total / 1e9), "eps_fraction": eps.ns / total, "eps_ms_per_call": eps.ns / 1e6 / eps.calls,
                         "outside_fraction": (total - eps.ns - dec.ns) / total,
                         "outside_ms_per_step": (total - eps.ns - dec.ns) / 1e6 / (-(-n // b)) / STEPS,
                         "pixel_sum": int(np.concatenate(imgs).astype(np.int64).sum())}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
