"""The local-folder artifact store, written exactly as the Java side writes it.

Layout `<root>/<stage>/<key>/<files>`, `manifest.json` written LAST as the commit marker
(activities/.../store/LocalArtifactStore.java). Every file goes to a temporary name in the same
folder and is renamed into place. The manifest's bytes equal Jackson's output for NodeManifest with
ORDER_MAP_ENTRIES_BY_KEYS + INDENT_OUTPUT (activities/.../store/ManifestJson.java); see
tests/test_store.py for the Java-produced reference text.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

MANIFEST = "manifest.json"
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.,'+=@()\\-]{0,199}")
_STAGE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_KEY = re.compile(r"[0-9a-f]{64}")

# Characters java.nio's UnixUriUtils leaves unescaped in a path (RFC 2396 unreserved, pchar punctuation, '/').
_URI_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'():@&=+$,;/")


def file_uri(path: Path) -> str:
    """`Path.toUri().toString()` of Java for an absolute file path."""
    out = []
    for b in os.fsencode(str(path)):
        out.append(chr(b) if b in _URI_SAFE else "%%%02X" % b)
    return "file://" + "".join(out)


def path_of_uri(uri: str) -> Path:
    u = urlparse(uri)
    if u.scheme != "file":
        raise ValueError(f"store URI '{uri}': only file: URIs are supported by this worker")
    return Path(unquote(u.path))


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class ArtifactRef:
    uri: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class NodeManifest:
    stage: str
    key: str
    code_version: int
    artifacts: dict  # relative path -> ArtifactRef
    summary: dict  # str -> str
    failures: list  # str
    compute_millis: int


def _jstr(s: str) -> str:
    """A JSON string as Jackson writes it: \\" \\\\ \\n \\r \\t, other controls as uppercase \\u00XX, the rest raw."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04X" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _jobject(entries: list, indent: str) -> str:
    if not entries:
        return "{ }"
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{_jstr(k)} : {v}" for k, v in entries) + "\n" + indent + "}"


def manifest_json(m: NodeManifest) -> bytes:
    """The bytes ManifestJson.write gives for the same manifest (UTF-8, no trailing newline)."""
    arts = [
        (k, _jobject([("uri", _jstr(r.uri)), ("sha256", _jstr(r.sha256)), ("bytes", str(int(r.bytes)))], "    "))
        for k, r in sorted(m.artifacts.items())
    ]
    summ = [(k, _jstr(str(v))) for k, v in sorted(m.summary.items())]
    fails = "[ ]" if not m.failures else "[ " + ", ".join(_jstr(f) for f in m.failures) + " ]"
    top = [
        ("stage", _jstr(m.stage)),
        ("key", _jstr(m.key)),
        ("codeVersion", str(int(m.code_version))),
        ("artifacts", _jobject(arts, "  ")),
        ("summary", _jobject(summ, "  ")),
        ("failures", fails),
        ("computeMillis", str(int(m.compute_millis))),
    ]
    return _jobject(top, "").encode("utf-8")


def parse_manifest(data: bytes, where: str) -> NodeManifest:
    try:
        j = json.loads(data.decode("utf-8"))
        return NodeManifest(
            j["stage"], j["key"], int(j["codeVersion"]),
            {k: ArtifactRef(v["uri"], v["sha256"], int(v["bytes"])) for k, v in j["artifacts"].items()},
            dict(j["summary"]), list(j["failures"]), int(j["computeMillis"]))
    except (ValueError, KeyError, TypeError) as e:
        raise IOError(f"unreadable manifest {where}: {e}") from e


def check_stage_key(stage: str, key: str) -> None:
    """StorePaths.checkStageKey of the Java side."""
    if not _STAGE.fullmatch(stage or ""):
        raise ValueError(f"bad stage name '{stage}': lower-case letters, digits, _")
    if not _KEY.fullmatch(key or ""):
        raise ValueError(f"bad content key '{key}': 64 lower-case hex digits")


def check_relative(rel: str) -> str:
    """StorePaths.checkRelative of the Java side: plain segments only."""
    if not rel or len(rel) > 1000:
        raise ValueError(f"bad store path '{rel}': empty or longer than 1000 characters")
    for seg in rel.split("/"):
        if not _SEGMENT.fullmatch(seg) or seg in ("..", "."):
            raise ValueError(f"bad store path '{rel}': segment '{seg}' is not allowed (letters, digits and "
                             "_ . , ' + = @ ( ) -; no leading dot, no '..', not absolute)")
    return rel


class LocalStore:
    """`<root>/<stage>/<key>/...` in a local folder (same rules as LocalArtifactStore)."""

    def __init__(self, root: Path):
        self.root = Path(os.path.abspath(root))
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def from_uri(uri: str) -> "LocalStore":
        if uri.startswith("s3://"):
            raise ValueError(f"store '{uri}': this worker supports local-folder stores only (file: URI or path)")
        return LocalStore(path_of_uri(uri) if uri.startswith("file:") else Path(uri))

    def node_dir(self, stage: str, key: str) -> Path:
        check_stage_key(stage, key)
        return self.root / stage / key

    def target(self, stage: str, key: str, rel: str) -> Path:
        if check_relative(rel) == MANIFEST:
            raise ValueError(f"'{MANIFEST}' is reserved for the commit marker")
        return self.node_dir(stage, key) / rel

    def put_bytes(self, stage: str, key: str, rel: str, data: bytes) -> ArtifactRef:
        t = self.target(stage, key, rel)
        _write_atomically(t, data)
        return ArtifactRef(file_uri(t), hashlib.sha256(data).hexdigest(), len(data))

    def ref_of(self, stage: str, key: str, rel: str) -> ArtifactRef:
        """Reference of a file already in the node's folder (a file of an earlier attempt)."""
        t = self.target(stage, key, rel)
        return ArtifactRef(file_uri(t), sha256_file(t), t.stat().st_size)

    def commit(self, m: NodeManifest) -> None:
        _write_atomically(self.node_dir(m.stage, m.key) / MANIFEST, manifest_json(m))

    def manifest(self, stage: str, key: str) -> NodeManifest | None:
        p = self.node_dir(stage, key) / MANIFEST
        if not p.exists():
            return None
        return parse_manifest(p.read_bytes(), str(p))

    def intact(self, m: NodeManifest) -> bool:
        for r in m.artifacts.values():
            p = path_of_uri(r.uri)
            if not p.exists() or p.stat().st_size != r.bytes or sha256_file(p) != r.sha256:
                return False
        return True

    def delete(self, stage: str, key: str) -> None:
        d = self.node_dir(stage, key)
        (d / MANIFEST).unlink(missing_ok=True)  # un-commit first
        shutil.rmtree(d, ignore_errors=True)


def _write_atomically(t: Path, data: bytes) -> None:
    t.parent.mkdir(parents=True, exist_ok=True)
    tmp = t.with_name(f".{t.name}.{uuid.uuid4()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, t)
