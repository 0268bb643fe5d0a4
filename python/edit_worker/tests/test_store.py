"""The store is written as the Java LocalArtifactStore/ManifestJson write it."""
import hashlib
from pathlib import Path

import pytest

from featmap_edit.store import (ArtifactRef, LocalStore, NodeManifest, check_relative, file_uri, manifest_json,
                                parse_manifest)

HERE = Path(__file__).parent
KEY = "0123456789abcdef" * 4


def test_manifest_bytes_equal_jacksons():
    arts = {"b/x.jpg": ArtifactRef("file:///tmp/s/edit/k/b/x.jpg", "ab", 12),
            "a/y é.png": ArtifactRef(file_uri(Path("/tmp/s/edit/k/a/y é.png")), "cd", 3)}
    m = NodeManifest("edit", "k", 1, arts, {"z": "1", "a": 'x"y'}, ["f1 é \n"], 5)
    assert manifest_json(m) == (HERE / "manifest_java.json").read_bytes()
    assert manifest_json(NodeManifest("edit", "k", 1, {}, {}, [], 0)) == (HERE / "manifest_java_empty.json").read_bytes()
    assert parse_manifest(manifest_json(m), "x") == m


def test_put_commit_and_verify(tmp_path):
    s = LocalStore(tmp_path)
    r = s.put_bytes("edit", KEY, "a/b.png", b"hello")
    assert r.sha256 == hashlib.sha256(b"hello").hexdigest() and r.bytes == 5
    assert r.uri == (tmp_path / "edit" / KEY / "a" / "b.png").as_uri()
    s.commit(NodeManifest("edit", KEY, 1, {"a/b.png": r}, {}, [], 1))
    assert s.intact(s.manifest("edit", KEY))
    (tmp_path / "edit" / KEY / "a" / "b.png").write_bytes(b"hellO")
    assert not s.intact(s.manifest("edit", KEY))
    assert not list((tmp_path / "edit" / KEY).rglob("*.tmp"))


@pytest.mark.parametrize("bad", ["../x", "/abs", "a//b", ".hidden", "a b/c", "manifest.json"])
def test_bad_paths_are_one_line_errors(tmp_path, bad):
    with pytest.raises(ValueError, match="store path|reserved"):
        LocalStore(tmp_path).put_bytes("edit", KEY, bad, b"")


def test_bad_stage_and_key(tmp_path):
    with pytest.raises(ValueError, match="content key"):
        LocalStore(tmp_path).node_dir("edit", "nothex")
    with pytest.raises(ValueError, match="stage name"):
        LocalStore(tmp_path).node_dir("Edit", KEY)
    assert check_relative("augmented_train/001_a/qwen_gs_1_infsteps_10/00001_Remove_car.jpg")
