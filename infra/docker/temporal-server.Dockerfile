# The Temporal server for the compose stack: go.temporal.io/server's cmd/server (frontend, history, matching and
# worker services in one process) on PostgreSQL (postgres.Dockerfile), built from the Go module proxy, with
# temporal-sql-tool (cmd/tools/sql), the PostgreSQL schema files of the same module version
# (schema/postgresql/v12/{temporal,visibility}/versioned) and the Temporal CLI (namespace registration, health
# checks, infra/docker/e2e.py's history reads). One `go build` of all three in one module, so the server's
# packages compile once for the server and the CLI that embeds them.
# Versions: TEMPORAL_SERVER_VERSION is the server that TEMPORAL_CLI_VERSION (infra/local's CLI, whose dev
# server the Testcontainers path still runs) depends on: github.com/temporalio/cli v1.5.1's go.mod requires
# go.temporal.io/server v1.29.1 (and go 1.25.0). The entrypoint (temporal-server/entrypoint.sh) creates or
# updates the two databases' schemas, starts the server, and registers the `default` namespace; the config is
# temporal-server/config.yaml (single node, 4 history shards). Build context: infra/docker.
# Measured on this 2-core machine: see docs/DEPLOYMENT.md ("Measured here").
ARG GO_IMAGE=golang:1.26.8-bookworm
ARG RUNTIME_IMAGE=debian:12.8-slim

FROM ${GO_IMAGE} AS build
ARG TEMPORAL_SERVER_VERSION=v1.29.1
ARG TEMPORAL_CLI_VERSION=v1.5.1
WORKDIR /src
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    set -eu; export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local; \
    go mod init featmap.local/temporal-server >/dev/null 2>&1; \
    go get "go.temporal.io/server@${TEMPORAL_SERVER_VERSION}" "github.com/temporalio/cli@${TEMPORAL_CLI_VERSION}"; \
    test "$(go list -m -f '{{.Version}}' go.temporal.io/server)" = "${TEMPORAL_SERVER_VERSION}"; \
    mkdir -p /out/bin /out/schema; \
    go build -trimpath -o /out/bin/ \
      -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION#v}" \
      go.temporal.io/server/cmd/server go.temporal.io/server/cmd/tools/sql github.com/temporalio/cli/cmd/temporal; \
    mv /out/bin/server /out/bin/temporal-server; mv /out/bin/sql /out/bin/temporal-sql-tool; \
    cp -r "$(go list -m -f '{{.Dir}}' go.temporal.io/server)/schema/postgresql" /out/schema/; \
    chmod -R a+rX,u+w /out; \
    /out/bin/temporal-server --version; /out/bin/temporal --version

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/schema/ /etc/temporal/schema/
COPY temporal-server/config.yaml /etc/temporal/config/featmap.yaml
COPY temporal-server/dynamicconfig.yaml /etc/temporal/dynamicconfig.yaml
COPY temporal-server/entrypoint.sh /usr/local/bin/temporal-entrypoint
RUN useradd --create-home --uid 10001 temporal
USER temporal
EXPOSE 7233
ENTRYPOINT ["temporal-entrypoint"]
