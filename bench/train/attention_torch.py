"""PyTorch anchor of bench/train/attention.sh (issue #15): training steps of the reference's transformer mapping
(nn.TransformerEncoder d 512, 8 heads, FFN 1024, 4 layers, batch_first, post-norm; input/output projections from
C channels; spec §5.5) on one H×W map, COMBINED loss, AdamW — the same step as ml's AttentionBench.
Process peak = the largest VmHWM; first-step memory = VmHWM after step 0 minus VmRSS before it; "step" memory = VmHWM over the steps after the first (reset through
/proc/self/clear_refs) minus VmRSS before them: what a steady-state step adds.
Usage: attention_torch.py C H W B DROPOUT STEPS → one line."""
import gc
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


class Transformer(nn.Module):
    def __init__(self, c, p):
        super().__init__()
        self.input_proj = nn.Linear(c, 512)
        self.pre_norm = nn.LayerNorm(512)
        layer = nn.TransformerEncoderLayer(512, 8, 1024, dropout=p, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
        self.output_proj = nn.Linear(512, c)

    def forward(self, x):
        b, c, h, w = x.shape
        t = self.output_proj(self.transformer(self.input_proj(x.permute(0, 2, 3, 1).reshape(b, h * w, c))))
        return t.reshape(b, h, w, c).permute(0, 3, 1, 2)


def combined(pred, target):
    cos = F.cosine_similarity(F.normalize(pred, dim=1), F.normalize(target, dim=1), dim=1, eps=1e-8)
    cos = cos.clamp(-1 + 1e-8, 1 - 1e-8).reshape(cos.shape[0], -1)
    med = cos.sort(dim=1).values[:, cos.shape[1] // 2]
    return 0.3 * F.mse_loss(pred, target) + 0.7 * (1 - med.mean())


def main():
    c, h, w, b = map(int, sys.argv[1:5])
    p = float(sys.argv[5])
    steps = int(sys.argv[6])
    torch.manual_seed(1)
    m = Transformer(c, p).train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=1e-4)
    x = torch.randn(b, c, h, w)
    y = torch.randn(b, c, h, w)
    if steps < 2:
        sys.exit("STEPS >= 2: one warm-up step, then the measured ones")
    secs = []
    first_peak = before = 0
    gc.collect()
    start = kb("VmRSS")
    for s in range(steps):
        if s == 1:  # as AttentionBench: step 0 warms up, then VmHWM is reset
            first_peak = kb("VmHWM")
            gc.collect()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = kb("VmRSS")
        t0 = time.perf_counter()
        loss = combined(m(x), y)
        loss.item()
        loss.backward()
        opt.step()
        opt.zero_grad()
        secs.append(time.perf_counter() - t0)
    peak = kb("VmHWM")
    warm = sorted(secs[1:])
    print(f"python torch-{torch.__version__.split('+')[0]} tokens {h * w} p {p:.1f} batch {b}: "
          f"process_peak_MB {max(first_peak, peak) // 1024} rss_start_MB {start // 1024} "
          f"first_step_peak_MB {(first_peak - start) // 1024} rss_before_MB {before // 1024} "
          f"step_peak_MB {(peak - before) // 1024} first_step_s {secs[0]:.2f} step_s {warm[len(warm) // 2]:.2f}")

if __name__ == "__main__":
    main()
