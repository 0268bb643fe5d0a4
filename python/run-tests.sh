#!/usr/bin/env bash
# Python tests that belong to the README's test command: the generative-edit worker (store format,
# Temporal plumbing against the local Temporal CLI dev server). The export/parity tools need torch and
# timm and are re-run by hand (python/requirements-export.txt; see python/README.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="${FEATMAP_RUN_DIR:-$here/../infra/local/.run}"
venv="$run_dir/venv-python-tests"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/edit_worker/requirements.txt"
fi
export FEATMAP_TEMPORAL_BIN="${FEATMAP_TEMPORAL_BIN:-$run_dir/bin/temporal}"
cd "$here/edit_worker"
"$venv/bin/python" -m pytest -q -p no:cacheprovider
