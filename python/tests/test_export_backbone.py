"""Export small timm architectures (random init) and check the manifest against the modules."""
import json
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import export_backbone as eb  # noqa: E402

SMALL_CONVNEXT = {"dims": [16, 32, 64, 128], "depths": [1, 1, 1, 1]}
SMALL_SWIN = {"embed_dim": 16, "depths": [1, 1, 1, 1], "num_heads": [1, 2, 4, 8]}


def _check_modules(out: Path, manifest: dict):
    for mod in manifest["modules"]:
        assert eb.sha256_file(out / mod["file"]) == mod["sha256"]
    assert manifest["mean"] == [0.485, 0.456, 0.406] and manifest["std"] == [0.229, 0.224, 0.225]
    assert manifest["interpolation"] == "bilinear"
    assert manifest["weights"] == "random-init" and len(manifest["weights_sha256"]) == 64
    assert manifest["torch_version"].startswith("2.7.1")


def test_convnext_small_export(tmp_path):
    m = eb.export("convnext_atto", tmp_path, 64, SMALL_CONVNEXT, random_init=True, seed=3)
    assert json.loads((tmp_path / "manifest.json").read_text()) == m
    _check_modules(tmp_path, m)
    assert [l["name"] for l in m["layers"]] == ["feat0", "feat1", "feat2", "feat3"]
    assert [l["shape"] for l in m["layers"]] == [[16, 16, 16], [32, 8, 8], [64, 4, 4], [128, 2, 2]]
    # chaining the traced stage modules reproduces timm's features_only outputs
    import timm
    torch.manual_seed(3)
    ref = timm.create_model("convnext_atto", pretrained=False, **SMALL_CONVNEXT).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        h = x
        for k in range(4):
            h = torch.jit.load(str(tmp_path / f"stage{k}.pt"))(h)
            assert list(h.shape[1:]) == m["layers"][k]["shape"]
        torch.testing.assert_close(h, ref.forward_features(x), rtol=1e-5, atol=1e-5)
        logits = torch.jit.load(str(tmp_path / "head.pt"))(h)
        torch.testing.assert_close(logits, ref(x), rtol=1e-5, atol=1e-5)


def test_same_seed_same_weights(tmp_path):
    a = eb.export("convnext_atto", tmp_path / "a", 32, SMALL_CONVNEXT, seed=1)
    b = eb.export("convnext_atto", tmp_path / "b", 32, SMALL_CONVNEXT, seed=1)
    c = eb.export("convnext_atto", tmp_path / "c", 32, SMALL_CONVNEXT, seed=2)
    assert a["weights_sha256"] == b["weights_sha256"] != c["weights_sha256"]


def test_swinv2_small_export_nhwc(tmp_path):
    m = eb.export("swinv2_base_window12to24_192to384_22kft1k", tmp_path, 384, SMALL_SWIN)
    _check_modules(tmp_path, m)
    assert m["family"] == "swinv2"
    (layer,) = m["layers"]
    assert layer["name"] == "feat0" and layer["module_layout"] == "NHWC" and layer["shape"] == [128, 12, 12]
    out = torch.jit.load(str(tmp_path / "features.pt"))(torch.zeros(1, 3, 384, 384))
    assert list(out.shape) == [1, 12, 12, 128]


def test_bad_kwargs_is_one_line_error(capsys):
    assert eb.main(["--timm-id", "convnext_atto", "--out", "/nonexistent", "--input-size", "32",
                    "--timm-kwargs", "[1]"]) == 2
    assert "--timm-kwargs" in capsys.readouterr().err


@pytest.mark.slow
def test_real_architectures_random_init(tmp_path):
    """spec §3.3 shapes of the real ConvNeXt-B (288) and SwinV2-B (384), random init."""
    c = eb.export("convnext_base.fb_in22k_ft_in1k", tmp_path / "cx", 288)
    assert [l["shape"] for l in c["layers"]] == [[128, 72, 72], [256, 36, 36], [512, 18, 18], [1024, 9, 9]]
    s = eb.export("swinv2_base_window12to24_192to384_22kft1k", tmp_path / "sw", 384)
    assert s["modules"][0]["output_shape"] == [12, 12, 1024] and s["layers"][0]["shape"] == [1024, 12, 12]
