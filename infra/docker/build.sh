#!/usr/bin/env bash
# Builds every image the compose stack (infra/compose.yaml) needs, tagged by version:
#   featmap-worker-cpu:<project version>      the CPU worker (Maven build inside Docker)
#   featmap-worker-gpu-java:<project version> the GPU worker's Java layer (its `java` stage; the full
#                                             GPU image needs a CUDA base and PyTorch's wheel index:
#                                             FEATMAP_BUILD_GPU=1 builds it, with public bases only)
#   featmap-mlflow:3.17.2 (PyPI)   featmap-s3proxy:2.6.0 (Maven Central)
#   featmap-temporal-server:1.29.1 (the Temporal server, its SQL schema tool and the CLI, Go module proxy;
#                                   the stack's Temporal)
#   featmap-postgres:15.20-bookworm (Debian's postgresql-15, the Temporal server's database)
#   featmap-temporal:1.5.1 (the Temporal CLI's dev server, Go module proxy; the Testcontainers path runs it)
#   featmap-prometheus:2.42.0-debian12 (Debian's package)
# Base images: FEATMAP_DOCKER_BASES=public uses the Dockerfiles' defaults (public images); local makes
# them from Debian's packages on a base made with debootstrap (tarball cached in $FEATMAP_DOCKER_CACHE);
# auto (default) tries to pull one public image and falls back to local. Docker's layer and BuildKit
# caches make a second run take seconds. Prints each image's build time. Measured on this 2-core machine
# (2026-12-04, docs/DEPLOYMENT.md "Measured here"): featmap-temporal-server cold 854 s (the one Go build of
# server, SQL tool and CLI, with CI compiling the CLI on the host at the same time; 27 s after a link-flag
# change, 2 s after a config change), featmap-postgres 84 s cold; a second run of the whole script 10-13 s.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$DOCKER_DIR/engine.sh" start
DOCKER="$(pick_docker)"   # engine.sh may have installed Debian's docker.io just now
MODE="${FEATMAP_DOCKER_BASES:-auto}"
BASE_TAR="$CACHE_DIR/debian-bookworm-minbase.tar.gz"
DEBIAN_MIRROR="${FEATMAP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

step() { # step LABEL CMD...: runs CMD with its output in a log, prints the wall time
  local label="$1" t0 rc=0; shift
  t0=$(date +%s)
  "$@" >"$CACHE_DIR/build-$label.log" 2>&1 || rc=$?
  if [[ $rc != 0 ]]; then tail -n 25 "$CACHE_DIR/build-$label.log" >&2; die build "$label failed (log: $CACHE_DIR/build-$label.log)"; fi
  log build "$label: $(( $(date +%s) - t0 )) s"
}

if [[ "$MODE" == auto ]]; then
  if timeout 60 "$DOCKER" pull -q eclipse-temurin:17.0.13_11-jre >/dev/null 2>&1; then MODE=public; else MODE=local; fi
  log build "base images: $MODE (a public image $([[ $MODE == public ]] && echo could || echo could not) be pulled)"
fi

ARGS_JAVA=() ARGS_PY=() ARGS_DEB=() ARGS_GO=() ARGS_GPU=()
if [[ "$MODE" == local ]]; then
  if ! have_image featmap-debian:bookworm; then
    if [[ ! -s "$BASE_TAR" ]]; then
      command -v debootstrap >/dev/null || die build "debootstrap is needed for the local base (apt-get install debootstrap)"
      rootfs="$(mktemp -d)"
      step debootstrap debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR"
      step base-tarball sh -c "tar -C '$rootfs' -c . | gzip -1 > '$BASE_TAR.tmp' && mv '$BASE_TAR.tmp' '$BASE_TAR'"
      rm -rf "$rootfs"
    fi
    step base-import dk import "$BASE_TAR" featmap-debian:bookworm
  fi
  # the machine's extra CA certificates (a TLS-inspecting egress proxy), see local-base.Dockerfile
  ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT
  cp "$DOCKER_DIR/fetch-go-toolchain.py" "$ctx/"; mkdir -p "$ctx/extra-ca"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/extra-ca/" 2>/dev/null || true
  for t in jre jdk python; do
    step "base-$t" dk build -f "$DOCKER_DIR/local-base.Dockerfile" --target "$t" -t "featmap-$t:bookworm" "$ctx"
  done
  ARGS_JAVA=(--build-arg BUILD_IMAGE=featmap-jdk:bookworm --build-arg RUNTIME_IMAGE=featmap-jre:bookworm)
  ARGS_GPU=(--build-arg BUILD_IMAGE=featmap-jdk:bookworm --build-arg CUDA_IMAGE=featmap-debian-ca:bookworm)
  ARGS_PY=(--build-arg BASE_IMAGE=featmap-python:bookworm)
  ARGS_DEB=(--build-arg BASE_IMAGE=featmap-debian-ca:bookworm --build-arg RUNTIME_IMAGE=featmap-debian-ca:bookworm)
  step base-debian-ca dk build -f "$DOCKER_DIR/local-base.Dockerfile" --target debian -t featmap-debian-ca:bookworm "$ctx"
  ARGS_GO=(--build-arg GO_IMAGE="featmap-go:$GO_TAG")
  # Go >= 1.25 for the Temporal server and CLI (their go.mod): the toolchain module of the machine's Go version
  step base-go dk build -f "$DOCKER_DIR/local-base.Dockerfile" --target go --build-arg GO_VERSION="$GO_VERSION" \
    -t "featmap-go:$GO_TAG" "$ctx"
fi

V="$FEATMAP_VERSION"
step worker-cpu dk build -f "$DOCKER_DIR/worker-cpu.Dockerfile" "${ARGS_JAVA[@]}" -t "featmap-worker-cpu:$V" "$REPO_ROOT"
step worker-gpu-java dk build -f "$DOCKER_DIR/worker-gpu.Dockerfile" --target java "${ARGS_GPU[@]}" -t "featmap-worker-gpu-java:$V" "$REPO_ROOT"
if [[ "${FEATMAP_BUILD_GPU:-0}" == 1 ]]; then
  step worker-gpu dk build -f "$DOCKER_DIR/worker-gpu.Dockerfile" "${ARGS_GPU[@]}" -t "featmap-worker-gpu:$V" "$REPO_ROOT"
fi
step mlflow dk build -f "$DOCKER_DIR/mlflow.Dockerfile" "${ARGS_PY[@]}" --build-arg MLFLOW_VERSION="$MLFLOW_VERSION" \
  --build-arg BOTO3_VERSION="$BOTO3_VERSION" -t "featmap-mlflow:$MLFLOW_VERSION" "$DOCKER_DIR"
step s3proxy dk build -f "$DOCKER_DIR/s3proxy.Dockerfile" "${ARGS_JAVA[@]}" --build-arg S3PROXY_VERSION="$S3PROXY_VERSION" \
  -t "featmap-s3proxy:$S3PROXY_VERSION" "$DOCKER_DIR"
step postgres dk build -f "$DOCKER_DIR/postgres.Dockerfile" "${ARGS_DEB[@]}" --build-arg POSTGRES_VERSION="${POSTGRES_TAG%%-*}" -t "featmap-postgres:$POSTGRES_TAG" "$DOCKER_DIR"
# the stack's Temporal: server + temporal-sql-tool + CLI compiled from the Go module proxy (cold: the longest step)
step temporal-server dk build -f "$DOCKER_DIR/temporal-server.Dockerfile" "${ARGS_DEB[@]}" "${ARGS_GO[@]}" \
  --build-arg TEMPORAL_SERVER_VERSION="v$TEMPORAL_SERVER_TAG" --build-arg TEMPORAL_CLI_VERSION="$TEMPORAL_CLI_VERSION" \
  -t "featmap-temporal-server:$TEMPORAL_SERVER_TAG" "$DOCKER_DIR"
step prometheus dk build -f "$DOCKER_DIR/prometheus.Dockerfile" "${ARGS_DEB[@]}" -t "featmap-prometheus:$PROMETHEUS_TAG" "$DOCKER_DIR"

# The Temporal CLI's dev server (the Testcontainers path, Containers.java): infra/local's binary when it has
# this version (built from the Go module proxy by infra/local/temporal.sh), else compiled from the Go module
# proxy inside Docker (~20 min cold on 2 cores).
prebuilt=""
for d in "$RUN_DIR" "$HOME/.cache/featmap-local"; do   # this checkout's .run, or .ci/run's
  if [[ -x "$d/bin/temporal" && "$(cat "$d/temporal.version" 2>/dev/null)" == "$TEMPORAL_CLI_VERSION" ]]; then prebuilt="$d/bin/temporal"; break; fi
done
if [[ -n "$prebuilt" ]]; then
  tctx="$(mktemp -d)"; cp "$prebuilt" "$tctx/temporal"
  step temporal dk build -f "$DOCKER_DIR/temporal.Dockerfile" "${ARGS_DEB[@]}" --build-arg TEMPORAL_SOURCE=prebuilt \
    -t "featmap-temporal:$TEMPORAL_TAG" "$tctx"
  rm -rf "$tctx"
else
  step temporal dk build -f "$DOCKER_DIR/temporal.Dockerfile" "${ARGS_DEB[@]}" "${ARGS_GO[@]}" \
    --build-arg TEMPORAL_CLI_VERSION="$TEMPORAL_CLI_VERSION" -t "featmap-temporal:$TEMPORAL_TAG" "$DOCKER_DIR"
fi
log build "images ($MODE bases): featmap-worker-cpu:$V featmap-worker-gpu-java:$V featmap-mlflow:$MLFLOW_VERSION featmap-s3proxy:$S3PROXY_VERSION featmap-temporal-server:$TEMPORAL_SERVER_TAG featmap-postgres:$POSTGRES_TAG featmap-temporal:$TEMPORAL_TAG featmap-prometheus:$PROMETHEUS_TAG"
