#!/usr/bin/env bash
# Entrypoint of featmap-temporal-server (temporal-server.Dockerfile): every start, idempotently,
#  1. waits for PostgreSQL, creates the databases `temporal` and `temporal_visibility` when missing
#     (temporal-sql-tool create-database leaves an existing one alone);
#  2. brings each schema to the newest version of the image's schema files (setup-schema -v 0.0 makes the
#     version tables of a new database and leaves an existing one alone; update-schema applies only the
#     versions above the database's own);
#  3. starts the server (config /etc/temporal/config/featmap.yaml) and, once its frontend answers, registers
#     the namespace `default` when missing (the workers and `featmap run` use it).
# The server's exit is the container's; SIGTERM is passed on. Settings: POSTGRES_HOST (postgres),
# POSTGRES_PORT (5432), POSTGRES_USER (temporal), POSTGRES_PASSWORD (env_file), TEMPORAL_NAMESPACE (default),
# TEMPORAL_NAMESPACE_RETENTION (72h).
set -euo pipefail
log() { printf '[temporal-entrypoint] %s\n' "$*" >&2; }
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set (env_file infra/.env)}"
[[ "$POSTGRES_PASSWORD" != *"'"* ]] || { log "POSTGRES_PASSWORD must not hold a single quote (config.yaml quotes it with them)"; exit 1; }
export SQL_PLUGIN=postgres12 SQL_HOST="${POSTGRES_HOST:-postgres}" SQL_PORT="${POSTGRES_PORT:-5432}" \
  SQL_USER="${POSTGRES_USER:-temporal}" SQL_PASSWORD="$POSTGRES_PASSWORD"
SCHEMA=/etc/temporal/schema/postgresql/v12
NS="${TEMPORAL_NAMESPACE:-default}"
T0=$(date +%s)

for i in $(seq 1 120); do
  (exec 3<>"/dev/tcp/$SQL_HOST/$SQL_PORT") 2>/dev/null && break
  [[ $i == 120 ]] && { log "PostgreSQL at $SQL_HOST:$SQL_PORT did not answer within 120 s"; exit 1; }
  sleep 1
done

for pair in "${TEMPORAL_DB:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}:visibility"; do
  db="${pair%%:*}" dir="$SCHEMA/${pair#*:}/versioned"
  # create-database leaves an existing database alone; PostgreSQL may refuse connections for a moment at start
  for i in $(seq 1 30); do
    out="$(temporal-sql-tool --db "$db" create-database 2>&1)" && break
    [[ $i == 30 ]] && { printf '%s\n' "$out" >&2; log "could not create or reach database $db"; exit 1; }
    sleep 1
  done
  temporal-sql-tool --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 \
    || { temporal-sql-tool --db "$db" setup-schema -v 0.0; exit 1; }
  temporal-sql-tool --db "$db" update-schema -d "$dir" >/dev/null 2>&1 \
    || { temporal-sql-tool --db "$db" update-schema -d "$dir"; exit 1; }
  log "database $db: schema at $(ls "$dir" | sort -V | tail -n1), the newest of this image"
done

temporal-server --root / --config /etc/temporal/config --env featmap --allow-no-auth start &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM INT

addr=(--address 127.0.0.1:7233)
for i in $(seq 1 120); do
  kill -0 $pid 2>/dev/null || { wait $pid; exit $?; }
  temporal operator cluster health "${addr[@]}" 2>/dev/null | grep -q SERVING && break
  sleep 1
done
if ! temporal operator namespace describe "${addr[@]}" -n "$NS" >/dev/null 2>&1; then
  for i in $(seq 1 30); do
    temporal operator namespace create "${addr[@]}" -n "$NS" --retention "${TEMPORAL_NAMESPACE_RETENTION:-72h}" >/dev/null 2>&1 && break
    temporal operator namespace describe "${addr[@]}" -n "$NS" >/dev/null 2>&1 && break
    [[ $i == 30 ]] && log "could not register namespace $NS"
    sleep 1
  done
  log "registered namespace $NS"
fi
log "serving on :7233, namespace $NS ($(( $(date +%s) - T0 )) s after start)"
wait $pid || rc=$?
trap - TERM INT
wait $pid 2>/dev/null || true
exit "${rc:-0}"
