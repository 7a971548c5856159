#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 (installing it if missing), makes sure role and database `edgelab` exist,
# and prints the connection URL. Idempotent: safe to run when everything is already up.
# Usage: scripts/start-postgres.sh            (then: export EDGELAB_TEST_POSTGRES_URL=<printed url>)
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"
DB_USER="${EDGELAB_PG_USER:-edgelab}"
DB_PASSWORD="${EDGELAB_PG_PASSWORD:-edgelab}"
DB_NAME="${EDGELAB_PG_DATABASE:-edgelab}"

log() { echo "start-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
  log "installing postgresql-${PG_VERSION} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "postgresql-${PG_VERSION}" >&2
fi

if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {found=1} END {exit !found}'; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER} on port ${PG_PORT}"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" >&2
fi

status="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$status" != "online" ]; then
  log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2
fi

# Wait (bounded) until the server accepts connections.
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then break; fi
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { log "PostgreSQL did not become ready on 127.0.0.1:${PG_PORT}; see /var/log/postgresql/"; exit 1; }

psql_admin() { su postgres -c "psql -p ${PG_PORT} -v ON_ERROR_STOP=1 -qAt $*" ; }

if [ "$(psql_admin "-c \"select 1 from pg_roles where rolname = '${DB_USER}'\"")" != "1" ]; then
  log "creating role ${DB_USER}"
  psql_admin "-c \"create role ${DB_USER} login password '${DB_PASSWORD}'\""
else
  psql_admin "-c \"alter role ${DB_USER} login password '${DB_PASSWORD}'\""
fi
if [ "$(psql_admin "-c \"select 1 from pg_database where datname = '${DB_NAME}'\"")" != "1" ]; then
  log "creating database ${DB_NAME}"
  psql_admin "-c \"create database ${DB_NAME} owner ${DB_USER}\""
fi

echo "postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PG_PORT}/${DB_NAME}"
