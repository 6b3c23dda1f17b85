#!/bin/bash
# Entrypoint of the primary of pg-lab, rendered by swarm-pg-gitops from environments/lab.yml.
# Runs as root, drops to the postgres user with setpriv (no gosu needed), and never prints a password.
set -euo pipefail

readonly BIN=/usr/lib/postgresql/15/bin
readonly VOLUME=/var/lib/postgresql/data
readonly PGDATA_DIR=$VOLUME/pgdata
readonly CONFIG=/etc/postgresql/postgresql.conf
readonly SUPERUSER_PASSWORD_FILE=/run/secrets/superuser_password
readonly REPLICATION_PASSWORD_FILE=/run/secrets/replication_password
readonly SLOTS=('replica1' 'replica2' )

log() { echo "primary: $*"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql "$@"; }
sql_literal() { local value; value=$(cat "$1"); printf "'%s'" "${value//\'/\'\'}"; }

mkdir -p "$PGDATA_DIR" /var/run/postgresql
chown postgres:postgres "$VOLUME" "$PGDATA_DIR" /var/run/postgresql
chmod 0700 "$PGDATA_DIR"

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
  log "empty data directory: running initdb"
  pwfile=$(mktemp)
  cat "$SUPERUSER_PASSWORD_FILE" > "$pwfile"
  chown postgres "$pwfile"
  as_postgres "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --pwfile="$pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

# Roles, passwords and slots follow the environment file on every start, before any client can connect.
# No standby can connect either, so these commits must not wait for a synchronous one.
log "applying roles and replication slots"
as_postgres "$BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 120 -l /var/run/postgresql/setup.log \
  -o "-c config_file=$CONFIG -c listen_addresses='' -c synchronous_commit=local" start >/dev/null
as_postgres "$BIN/psql" -X -q -d postgres <<SQL
\set ON_ERROR_STOP 1
\set VERBOSITY terse
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
ALTER ROLE postgres WITH PASSWORD $(sql_literal "$SUPERUSER_PASSWORD_FILE");
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \gexec
ALTER ROLE replicator WITH REPLICATION LOGIN PASSWORD $(sql_literal "$REPLICATION_PASSWORD_FILE");
CREATE TABLE IF NOT EXISTS public.swarm_pg_canary (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());
SQL
for slot in "${SLOTS[@]}"; do
  as_postgres "$BIN/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -v slot="$slot" <<'SQL'
SELECT pg_create_physical_replication_slot(:'slot', true) WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
done
as_postgres "$BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 120 stop >/dev/null

log "starting PostgreSQL 15"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$BIN/postgres" -D "$PGDATA_DIR" -c config_file="$CONFIG"
