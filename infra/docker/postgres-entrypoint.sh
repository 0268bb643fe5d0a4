#!/usr/bin/env bash
# Entrypoint of featmap-postgres (postgres.Dockerfile): makes the cluster on the volume at first start
# (initdb: superuser POSTGRES_USER, password POSTGRES_PASSWORD, scram-sha-256 over TCP from anywhere the
# compose network reaches, trust on the local socket), then runs postgres in the foreground (SIGTERM: a
# smart shutdown).
set -euo pipefail
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set (env_file infra/.env)}"
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  pw="$(mktemp)"; printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-temporal}" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pw"
  printf '%s\n' 'host all all 0.0.0.0/0 scram-sha-256' 'host all all ::/0 scram-sha-256' >>"$PGDATA/pg_hba.conf"
  echo "[postgres-entrypoint] made a cluster in $PGDATA (superuser ${POSTGRES_USER:-temporal})" >&2
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections="${POSTGRES_MAX_CONNECTIONS:-100}" "$@"
