#!/usr/bin/env bash
# Checks the Kubernetes manifests offline (issue #18 item 4) with k8s-validate (infra/k8s/validate/, Go, against
# the API types of k8s.io/api): infra/k8s must pass, and the fixture of known mistakes (validate/testdata/bad) must
# fail with every line of its expected.txt, so a validator that stopped catching them fails too. The binary is built
# once per source version (modules from the Go module proxy) and kept under FEATMAP_RUN_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v go >/dev/null || { echo "k8s-validate: Go is needed to build the manifest validator (install Go >= 1.26)" >&2; exit 1; }
RUN_DIR="${FEATMAP_RUN_DIR:-$HOME/.cache/featmap-local}"
HASH=$(cat validate/go.mod validate/go.sum validate/main.go | sha256sum | cut -c1-12)
BIN="$RUN_DIR/bin/k8s-validate-$HASH"
if [[ ! -x "$BIN" ]]; then
  mkdir -p "$RUN_DIR/bin"
  echo "[k8s-validate] building (k8s.io/api from the Go module proxy; about a minute)"
  (cd validate && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o "$BIN.tmp" .) && mv "$BIN.tmp" "$BIN"
fi
"$BIN" .
set +e
out=$(cd validate/testdata/bad && "$BIN" .)
rc=$?
set -e
if [[ $rc -ne 1 ]]; then echo "k8s-validate: the fixture of known mistakes passed (rc $rc): the validator checks nothing" >&2; echo "$out" >&2; exit 1; fi
missing=0
while IFS= read -r want; do
  [[ -z "$want" ]] && continue
  grep -qF -- "$want" <<<"$out" || { echo "k8s-validate: not caught in testdata/bad: $want" >&2; missing=1; }
done < validate/testdata/bad/expected.txt
[[ $missing -eq 0 ]] || { echo "$out" >&2; exit 1; }
echo "k8s-validate: testdata/bad: all $(grep -c . validate/testdata/bad/expected.txt) known mistakes caught"
