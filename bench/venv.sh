#!/usr/bin/env bash
# The benchmark anchors' Python (python/requirements-bench.txt: torch 2.7.1, Pillow 12.0.0 ... from PyPI) in a venv
# under the local run directory, made once and reused while the requirements file is unchanged. bench/run.sh puts
# its bin/ first on PATH, so every bench/*/run.sh's `python3` is this one (the system python3 may lack Pillow, and
# Debian's python3-torch is never an anchor).
# usage: bench/venv.sh            (prints the venv's bin directory; installs first if needed)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUN_DIR="${FEATMAP_RUN_DIR:-$HOME/.cache/featmap-local}"
VENV="$RUN_DIR/venv-bench"
REQ=python/requirements-bench.txt
SPEC="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$VENV/.featmap-spec" 2>/dev/null)" != "$SPEC" ]]; then
  command -v python3 >/dev/null || { echo "bench/venv.sh: python3 is needed" >&2; exit 1; }
  mkdir -p "$RUN_DIR"
  echo "bench/venv.sh: installing $REQ into $VENV (torch from PyPI: a few minutes)" >&2
  python3 -m venv "$VENV" || { echo "bench/venv.sh: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" >"$RUN_DIR/venv-bench-install.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/venv-bench-install.log" >&2; echo "bench/venv.sh: pip install failed; log: $RUN_DIR/venv-bench-install.log" >&2; exit 1; }
  echo "$SPEC" >"$VENV/.featmap-spec"
fi
echo "$VENV/bin"
