# Temporal for the Testcontainers path: the Temporal CLI's dev server (`temporal server start-dev`, the
# server's own code as a library, SQLite file on the volume /temporal, UI on 8233), the same binary
# infra/local runs. The compose stack runs the full server on PostgreSQL instead (temporal-server.Dockerfile,
# postgres.Dockerfile); this image is what the Testcontainers path runs (workers/.../faults/Containers.java:
# one container, no database to set up). Build context: infra/docker, or a
# folder holding a prebuilt `temporal` binary with TEMPORAL_SOURCE=prebuilt (build.sh does that with
# infra/local's binary of the same version instead of compiling it a second time).
ARG GO_IMAGE=golang:1.26.8-bookworm
ARG RUNTIME_IMAGE=debian:12.8-slim
ARG TEMPORAL_SOURCE=source

FROM ${GO_IMAGE} AS source
ARG TEMPORAL_CLI_VERSION=v1.5.1
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOBIN=/out GOFLAGS=-mod=mod CGO_ENABLED=0 go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}"

FROM ${RUNTIME_IMAGE} AS prebuilt
COPY temporal /out/temporal

FROM ${TEMPORAL_SOURCE} AS bin

FROM ${RUNTIME_IMAGE}
COPY --from=bin /out/temporal /usr/local/bin/temporal
RUN useradd --create-home --uid 10001 temporal && mkdir -p /temporal && chown temporal:temporal /temporal
USER temporal
EXPOSE 7233 8233
VOLUME /temporal
ENTRYPOINT ["temporal"]
CMD ["server", "start-dev", "--ip", "0.0.0.0", "--port", "7233", "--ui-port", "8233", \
     "--db-filename", "/temporal/temporal.db", "--namespace", "default", "--log-level", "warn", \
     "--dynamic-config-value", "matching.numTaskqueueReadPartitions=1", \
     "--dynamic-config-value", "matching.numTaskqueueWritePartitions=1"]
