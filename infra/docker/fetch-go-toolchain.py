"""Unpacks the Go toolchain module golang.org/toolchain@v0.0.1-go<VERSION>.linux-amd64 from a Go module
proxy into DEST (what GOTOOLCHAIN does). usage: fetch-go-toolchain.py PROXY VERSION DEST"""
import io
import os
import sys
import urllib.request
import zipfile

proxy, version, dest = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
mod = f"v0.0.1-go{version}.linux-amd64"
url = f"{proxy}/golang.org/toolchain/@v/{mod}.zip"
z = zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(url, timeout=600).read()))
prefix = f"golang.org/toolchain@{mod}/"
n = 0
for info in z.infolist():
    if info.is_dir() or not info.filename.startswith(prefix):
        continue
    out = os.path.join(dest, info.filename[len(prefix):])
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(z.read(info))
    os.chmod(out, ((info.external_attr >> 16) & 0o777) or 0o644)
    n += 1
if not os.access(os.path.join(dest, "bin", "go"), os.X_OK):
    sys.exit(f"{url}: no executable bin/go among {n} files")
print(f"go {version}: {n} files from {url}")
