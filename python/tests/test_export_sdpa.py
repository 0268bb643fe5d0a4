"""The committed sdpa.pt is what python/export_sdpa.py writes, and it is the reference's attention."""
import sys
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import export_sdpa as es  # noqa: E402


def test_committed_module_is_the_scripted_one(tmp_path):
    out = tmp_path / "sdpa.pt"
    es.main(["--out", str(out)])
    fresh = torch.jit.load(str(out))
    committed = torch.jit.load(es.OUT)
    assert committed.code == fresh.code
    assert "scaled_dot_product_attention" in committed.code
    assert list(committed.parameters()) == []


def test_equals_multihead_attention_in_eval_and_draws_from_the_seeded_generator():
    m = torch.jit.load(es.OUT)
    torch.manual_seed(0)
    d, heads, n = 32, 4, 11
    mha = nn.MultiheadAttention(d, heads, dropout=0.2, batch_first=True).eval()
    x = torch.randn(2, n, d)
    with torch.no_grad():
        ref, _ = mha(x, x, x, need_weights=False)
        q, k, v = nn.functional.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, dim=-1)
        split = lambda t: t.reshape(2, n, heads, d // heads).transpose(1, 2)  # noqa: E731
        o = m(split(q), split(k), split(v), torch.tensor(0.0, dtype=torch.float64))
        o = mha.out_proj(o.transpose(1, 2).reshape(2, n, d))
    assert torch.allclose(o, ref, rtol=1e-5, atol=1e-6)
    # dropout: the same generator seed gives the same dropped weights, another seed other ones
    q, k, v = (torch.randn(1, heads, n, 8) for _ in range(3))
    p = torch.tensor(0.2, dtype=torch.float64)
    torch.manual_seed(5)
    a = m(q, k, v, p)
    torch.manual_seed(5)
    b = m(q, k, v, p)
    torch.manual_seed(6)
    c = m(q, k, v, p)
    assert torch.equal(a, b) and not torch.equal(a, c)
