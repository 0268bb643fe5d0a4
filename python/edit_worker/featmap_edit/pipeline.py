"""The edit model behind a small interface, so the worker's plumbing is testable without a GPU.

`QwenEditPipeline` is the reference's model and call (spec §2.7); it imports torch/diffusers and loads
the weights only on its first edit. Tests inject their own `EditPipeline`.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Protocol

from PIL import Image

LOG = logging.getLogger(__name__)


class EditPipeline(Protocol):
    """One edit call, plus the shared random generator (spec §2.7: seeded once, shared in processing order)."""

    def new_generator(self, seed: int) -> Any: ...

    def generator_state(self, generator: Any) -> bytes:
        """The generator's state, so a retried attempt resumes with the same noise."""

    def restore_generator(self, generator: Any, state: bytes) -> None: ...

    def edit(self, image: Image.Image, prompt: str, *, negative_prompt: str, steps: int, true_cfg_scale: float,
             generator: Any, token_env: str) -> Image.Image: ...


class QwenEditPipeline:
    """diffusers `QwenImageEditPlusPipeline` with the reference's settings (spec §2.7), loaded lazily."""

    def __init__(self, model_id: str = "Qwen/Qwen-Image-Edit-2511", device_map: str = "cuda",
                 gpu_memory_fraction: float = 0.95, cpu_memory_gib: int = 2):
        self.model_id = model_id
        self.device_map = device_map
        self.gpu_memory_fraction = gpu_memory_fraction
        self.cpu_memory_gib = cpu_memory_gib
        self._pipe = None

    def _load(self, token_env: str):
        if self._pipe is not None:
            return self._pipe
        import torch
        from diffusers import QwenImageEditPlusPipeline

        token = os.environ.get(token_env)
        if not token:
            raise PermissionError(f"environment variable {token_env} is not set (Hugging Face token needed for {self.model_id})")
        kwargs: dict = {"torch_dtype": torch.bfloat16, "token": token}
        if self.device_map == "balanced":  # README of the reference: 2 GPUs, 95 % of each + 2 GiB CPU
            mem = {i: int(torch.cuda.get_device_properties(i).total_memory * self.gpu_memory_fraction)
                   for i in range(torch.cuda.device_count())}
            mem["cpu"] = self.cpu_memory_gib * 1024 ** 3
            kwargs.update(device_map="balanced", max_memory=mem)
        pipe = QwenImageEditPlusPipeline.from_pretrained(self.model_id, **kwargs)
        if self.device_map != "balanced":
            pipe = pipe.to(self.device_map)
        pipe.vae.enable_slicing()
        pipe.vae.enable_tiling()
        torch.backends.cudnn.benchmark = True
        LOG.info("loaded %s (device_map=%s)", self.model_id, self.device_map)  # never the token
        self._pipe = pipe
        return pipe

    def new_generator(self, seed: int):
        import torch
        return torch.Generator(device="cpu").manual_seed(seed)

    def generator_state(self, generator) -> bytes:
        return bytes(generator.get_state().numpy().tobytes())

    def restore_generator(self, generator, state: bytes) -> None:
        import torch
        generator.set_state(torch.frombuffer(bytearray(state), dtype=torch.uint8))

    def edit(self, image, prompt, *, negative_prompt, steps, true_cfg_scale, generator, token_env):
        import torch
        pipe = self._load(token_env)
        with torch.inference_mode():
            out = pipe(image=[image], prompt=prompt, negative_prompt=negative_prompt, num_inference_steps=steps,
                       guidance_scale=1.0,  # ignored by the model (not guidance-distilled), as in the reference
                       true_cfg_scale=true_cfg_scale, num_images_per_prompt=1, generator=generator)
        return out.images[0]
