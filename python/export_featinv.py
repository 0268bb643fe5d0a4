"""Export a FeatInv checkpoint (ControlNet on miniSD, spec section 7.4) for the Java DDIM sampler.

NOT RUN IN THIS REPOSITORY: it needs the user's FeatInv source tree (which we do not ship; it contains
the `cldm` and `ldm` packages and `models/cldm_featinv_convnext.yaml`), the checkpoint
`control_featinv_convnext_fin.ckpt` (figshare "FeatInv-ConvNeXt Checkpoint" 30801191), and the CLIP
ViT-L/14 text encoder weights that the FeatInv config loads (openai/clip-vit-large-patch14).
The same export layout is exercised end to end by python/parity/ddim_parity.py with a tiny random
network, and read by org.featmap.ml.eval.FeatInvReconstructor.

Usage:
    python3 python/export_featinv.py --featinv-src /path/to/FeatInv \
        --config /path/to/FeatInv/models/cldm_featinv_convnext.yaml \
        --ckpt /path/to/control_featinv_convnext_fin.ckpt --out /path/to/featinv_export \
        [--batch 2] [--check]

Writes to --out:
    eps.pt              TorchScript eps(x_t (B,4,32,32), t int64 (B,), context (B,77,768), hint (B,1024,9,9))
                        = ControlNet (hint block + encoder copy) + frozen UNet, control scales 1.0
                        (ControlLDM.apply_model with only_mid_control False, guess_mode False)
    decoder.pt          TorchScript VAE decode(z / 0.18215) -> (B,3,256,256) in about [-1, 1]
    cond_context.f32    CLIP last hidden state of "a high-quality, detailed, and professional image, "
    uncond_context.f32  CLIP last hidden state of ""  (both (1,77,768) float32 little-endian)
    manifest.json       FeatInvManifest (org.featmap.ml.eval.FeatInvManifest)

Tracing bakes some shapes (einops rearranges in the attention blocks) into the graph: the modules are
traced at --batch (default 2 = one sample with both guidance branches in one call, which is what the Java
sampler sends); the manifest records it and Java refuses other batch sizes with a one-line error.
"""
import argparse
import hashlib
import json
import pathlib
import sys

import torch
import torch.nn as nn

COND_PROMPT = "a high-quality, detailed, and professional image, "  # prompt + ", " + empty a_prompt (spec 7.4)
UNCOND_PROMPT = ""


class Eps(nn.Module):
    """ControlLDM.apply_model with the conditioning dict flattened into tensors."""

    def __init__(self, ldm):
        super().__init__()
        self.control_model = ldm.control_model
        self.diffusion_model = ldm.model.diffusion_model
        self.control_scales = [float(s) for s in ldm.control_scales]  # [1.0] * 13

    def forward(self, x, t, context, hint):
        control = self.control_model(x=x, hint=hint, timesteps=t, context=context)
        control = [c * s for c, s in zip(control, self.control_scales)]
        return self.diffusion_model(x=x, timesteps=t, context=context, control=control, only_mid_control=False)


class Decode(nn.Module):
    def __init__(self, ldm):
        super().__init__()
        self.vae = ldm.first_stage_model

    def forward(self, z):  # z already divided by the scale factor (done in Java)
        return self.vae.decode(z)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--featinv-src", required=True, type=pathlib.Path)
    ap.add_argument("--config", required=True, type=pathlib.Path)
    ap.add_argument("--ckpt", required=True, type=pathlib.Path)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="compare the traced eps with apply_model on random input")
    a = ap.parse_args()
    for p in (a.featinv_src, a.config, a.ckpt):
        if not p.exists():
            sys.exit(f"export_featinv: {p} does not exist")
    sys.path.insert(0, str(a.featinv_src))
    from cldm.model import create_model, load_state_dict  # FeatInv / ControlNet source

    ldm = create_model(str(a.config)).cpu()
    ldm.load_state_dict(load_state_dict(str(a.ckpt), location="cpu"))
    ldm.eval()
    a.out.mkdir(parents=True, exist_ok=True)
    b = a.batch
    with torch.no_grad():
        cond = ldm.get_learned_conditioning([COND_PROMPT]).float()
        uncond = ldm.get_learned_conditioning([UNCOND_PROMPT]).float()
        assert tuple(cond.shape) == (1, 77, 768), cond.shape
        cond.numpy().astype("<f4").tofile(a.out / "cond_context.f32")
        uncond.numpy().astype("<f4").tofile(a.out / "uncond_context.f32")

        x = torch.randn(b, 4, 32, 32)
        t = torch.full((b,), 981, dtype=torch.long)
        ctx = torch.cat([uncond, cond] * (b // 2) if b > 1 else [cond])
        hint = torch.randn(b, 1024, 9, 9)
        eps = torch.jit.trace(Eps(ldm).eval(), (x, t, ctx, hint), check_trace=False)
        eps.save(str(a.out / "eps.pt"))
        dec = torch.jit.trace(Decode(ldm).eval(), (torch.randn(b // 2 or 1, 4, 32, 32),), check_trace=False)
        dec.save(str(a.out / "decoder.pt"))
        if a.check:
            ref = ldm.apply_model(x, t, {"c_concat": [hint], "c_crossattn": [ctx]})
            got = eps(x, t, ctx, hint)
            rel = float((got - ref).norm() / ref.norm())
            print("traced eps vs apply_model: rel L2", rel)
            if rel > 1e-5:
                sys.exit(f"export_featinv: traced eps differs from apply_model (rel L2 {rel:.2e})")
    manifest = {
        "formatVersion": 1, "backbone": "convnext", "featureKey": "feat3", "featureShape": [1024, 9, 9],
        "latentShape": [4, 32, 32], "contextShape": [1, 77, 768], "imageSize": 256,
        "scaleFactor": float(ldm.scale_factor), "tracedBatch": b, "epsFile": "eps.pt", "decoderFile": "decoder.pt",
        "condContextFile": "cond_context.f32", "uncondContextFile": "uncond_context.f32",
        "conditionalPrompt": COND_PROMPT, "checkpointSha256": sha256(a.ckpt), "torchVersion": torch.__version__,
    }
    (a.out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
