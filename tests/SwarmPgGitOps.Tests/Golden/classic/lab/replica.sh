#!/bin/bash
# Entrypoint of a replica of pg-lab, rendered by swarm-pg-gitops from environments/lab.yml.
# Bootstraps with pg_basebackup through its own slot only when it has no data, and never wipes data on restart.
# Its service sets SPG_REPLICA (application name) and SPG_SLOT.
set -euo pipefail

readonly BIN=/usr/lib/postgresql/15/bin
readonly VOLUME=/var/lib/postgresql/data
readonly PGDATA_DIR=$VOLUME/pgdata
readonly PARTIAL=$VOLUME/pgdata.partial
readonly CONFIG=/etc/postgresql/postgresql.conf
readonly PASSFILE=/var/run/postgresql/.pgpass
readonly PRIMARY_HOST=primary
readonly PRIMARY_PORT=5432
readonly REPLICATION_USER=replicator
readonly REPLICATION_PASSWORD_FILE=/run/secrets/replication_password
: "${SPG_REPLICA:?the service must set SPG_REPLICA}" "${SPG_SLOT:?the service must set SPG_SLOT}"

log() { echo "$SPG_REPLICA: $*"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql PGPASSFILE="$PASSFILE" "$@"; }
pgpass_escape() { local value; value=$(cat "$1"); value=${value//\\/\\\\}; printf '%s' "${value//:/\\:}"; }

mkdir -p /var/run/postgresql
chown postgres:postgres "$VOLUME" /var/run/postgresql
(umask 077; printf '*:*:*:%s:%s\n' "$REPLICATION_USER" "$(pgpass_escape "$REPLICATION_PASSWORD_FILE")" > "$PASSFILE")
chown postgres:postgres "$PASSFILE"

log "waiting for the primary at $PRIMARY_HOST:$PRIMARY_PORT"
for attempt in $(seq 1 90); do
  if "$BIN/pg_isready" -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -t 2; then break; fi
  if [ "$attempt" -eq 90 ]; then log "the primary did not answer in 180 s; exiting so that Swarm restarts this task"; exit 1; fi
  sleep 2
done

if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
  # A copy interrupted earlier lives only in $PARTIAL: it was never a data directory, so it is safe to remove.
  rm -rf "$PARTIAL"
  mkdir -p "$PARTIAL"
  chown postgres:postgres "$PARTIAL"
  chmod 0700 "$PARTIAL"
  log "no data: copying the primary with pg_basebackup through slot $SPG_SLOT"
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    -D "$PARTIAL" -X stream -S "$SPG_SLOT" --checkpoint=fast
  touch "$PARTIAL/standby.signal"
  chown postgres:postgres "$PARTIAL/standby.signal"
  rmdir "$PGDATA_DIR" 2>/dev/null || true
  mv "$PARTIAL" "$PGDATA_DIR"
  log "base backup complete"
else
  log "data directory present: resuming streaming without a new base backup"
fi

# A replica service always runs as a standby.
[ -f "$PGDATA_DIR/standby.signal" ] || { touch "$PGDATA_DIR/standby.signal"; chown postgres:postgres "$PGDATA_DIR/standby.signal"; }

log "starting PostgreSQL 15 as a hot standby"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$BIN/postgres" -D "$PGDATA_DIR" -c config_file="$CONFIG" \
  -c primary_conninfo="host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER passfile=$PASSFILE application_name=$SPG_SLOT" \
  -c primary_slot_name="$SPG_SLOT"
