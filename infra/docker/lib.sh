# Shared by infra/docker's scripts (sourced). Versions and image names of the compose stack.
set -euo pipefail
DOCKER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$DOCKER_DIR/../.." && pwd)"
# Built images and the debootstrap tarball are kept between runs on one machine.
CACHE_DIR="${FEATMAP_DOCKER_CACHE:-$HOME/.cache/featmap-docker}"
mkdir -p "$CACHE_DIR"

# Versions: the services as infra/local pins them (infra/local/lib.sh), the workers as the Maven project.
source "$REPO_ROOT/infra/local/lib.sh"
FEATMAP_VERSION="${FEATMAP_VERSION:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$REPO_ROOT/pom.xml" | head -n1)}"
TEMPORAL_TAG="${TEMPORAL_CLI_VERSION#v}"
PROMETHEUS_TAG="2.42.0-debian12"   # Debian bookworm's prometheus package (2.42.0+ds)
# the Temporal server the CLI above depends on (github.com/temporalio/cli v1.5.1's go.mod: go.temporal.io/server
# v1.29.1), on Debian bookworm's postgresql-15
TEMPORAL_SERVER_TAG="1.29.1"
POSTGRES_TAG="15.20-bookworm"   # Debian bookworm's postgresql-15 (15.20-0+deb12u1); postgres.Dockerfile checks it
# the local Go base (local-base.Dockerfile, target go): the machine's Go; the server and CLI need >= 1.25
GO_VERSION="${FEATMAP_GO_VERSION:-1.26.8}"
GO_TAG="$GO_VERSION-bookworm"
export FEATMAP_VERSION MLFLOW_VERSION S3PROXY_VERSION TEMPORAL_TAG PROMETHEUS_TAG TEMPORAL_SERVER_TAG POSTGRES_TAG

# The Docker CLI: one that can build with BuildKit. Docker >= 23's CLI needs the buildx plugin for it;
# Debian's docker.io (20.10) has BuildKit built in. DOCKER overrides. Scripts pick again after engine.sh start:
# on a new machine this file is sourced before engine.sh installs docker.io, when only a CLI without buildx exists.
DOCKER_OVERRIDE="${DOCKER:-}"
pick_docker() {
  if [[ -n "$DOCKER_OVERRIDE" ]]; then echo "$DOCKER_OVERRIDE"; return; fi
  local c
  for c in $(type -ap docker) /usr/bin/docker; do
    [[ -x "$c" ]] || continue
    if "$c" buildx version >/dev/null 2>&1; then echo "$c"; return; fi
    case "$("$c" --version 2>/dev/null)" in "Docker version 1"*|"Docker version 20."*) echo "$c"; return ;; esac
  done
  echo docker
}
DOCKER="$(pick_docker)"
export DOCKER_BUILDKIT=1
dk() { "$DOCKER" "$@"; }

# The compose command: the v2 plugin when present, else Debian's docker-compose (v1.29).
compose() {
  if "$DOCKER" compose version >/dev/null 2>&1; then "$DOCKER" compose "$@"; else docker-compose "$@"; fi
}

have_image() { dk image inspect "$1" >/dev/null 2>&1; }
