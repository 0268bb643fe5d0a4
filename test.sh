#!/usr/bin/env bash
# The README's test command. Installs and starts the real local services (infra/local/: S3Proxy,
# MLflow, the Temporal dev server), runs the fast unit tests and then the integration tests
# (mvn verify: surefire *Test, then failsafe *IT), and stops the services again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# MlflowUiIT opens the MLflow UI in headless Chromium (Debian's package); install it when missing and
# we can (root with apt-get); otherwise that test skips locally and fails with CI=true.
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
  apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || true
fi
# JPEG through libjpeg-turbo, Pillow's library (docs/IMAGES.md): Debian's Java binding; without it the
# codec falls back to javax.imageio and the libjpeg-turbo parity tests skip.
if [[ ! -f /usr/share/java/turbojpeg.jar || ! -e /usr/lib/x86_64-linux-gnu/libturbojpeg.so ]] && command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
  apt-get install -y -qq libturbojpeg-java libturbojpeg0-dev >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq libturbojpeg-java libturbojpeg0-dev >/dev/null; } || true
fi
if [[ -x infra/local/services.sh ]]; then
  infra/local/services.sh install
  infra/local/services.sh start
  trap 'infra/local/services.sh stop >/dev/null 2>&1 || true' EXIT
  eval "$(infra/local/env.sh)"
fi
if [[ -x python/run-tests.sh ]]; then
  python/run-tests.sh
fi
# the Kubernetes manifests, checked offline against k8s.io/api's types (infra/k8s/validate.sh, issue #18)
if [[ -x infra/k8s/validate.sh ]]; then
  infra/k8s/validate.sh
fi
# one formatter for the Java sources (issue #17 item 5; palantir-java-format through Spotless): a file it would
# change fails here, before the tests. Format with: mvn spotless:apply
mvn -B -ntp -q spotless:check
mvn -B -ntp verify "$@"
