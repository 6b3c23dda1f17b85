#!/bin/bash
# restore.sh STANZA PGDATA TYPE [TARGET] — run by the pipeline as a one-shot Swarm task (Restore and RestoreDrill) in a
# container made from a member of the source stack (its pgBackRest configuration, certificates and network), as root.
# Restores the stanza's newest backup into PGDATA, which must be empty, with archiving off (a restored copy never writes
# into the live repository), replays WAL from the repository up to TYPE: latest (the end of the archive), time
# (TARGET is a timestamp) or name (TARGET is a restore point), and promotes. Then runs the SQL in $VERIFY_SQL, if set,
# and prints its one-line result; else leaves the data directory for Patroni: stopped cleanly, ALTER SYSTEM settings
# (pgBackRest's recovery settings among them) removed. Progress goes to stderr; stdout holds one JSON line:
#   {"restore_seconds":..,"recovery_seconds":..,"verify_seconds":..,"result":<the SQL's result or null>}
set -euo pipefail

stanza=$1
pgdata=$2
type=$3
target=${4:-}
bins=(/usr/lib/postgresql/*/bin)
bin=${bins[0]}
socket=/tmp/restore-socket

log() { echo "restore: $*" >&2; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 "$@"; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
sql() { as_postgres "$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$socket" -d postgres "$@"; }

if [ -n "$(ls -A "$pgdata" 2>/dev/null)" ]; then
  log "error: $pgdata already holds data; a restore never writes over a data directory"
  exit 3
fi
# From here the data directory is this script's: a restore that fails leaves it empty again, ready for the next try.
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdata"
}
trap cleanup ERR
mkdir -p "$pgdata" "$socket"
chown postgres:postgres "$(dirname "$pgdata")" "$pgdata" "$socket"
chmod 0700 "$pgdata"
# While it recovers, the server admits the postgres user on its socket and nothing else.
echo 'local all postgres peer' >/tmp/restore-hba.conf
chmod 0644 /tmp/restore-hba.conf

case $type in
  latest) target_options=() ;;
  time | name) target_options=("--type=$type" "--target=$target" --target-action=promote) ;;
  *)
    log "error: unknown target type '$type' (latest, time or name)"
    exit 2
    ;;
esac

started=$(now)
log "restoring stanza $stanza into $pgdata (target: $type${target:+ $target})"
as_postgres pgbackrest --stanza="$stanza" --pg1-path="$pgdata" --archive-mode=off --log-level-console=info --log-level-stderr=off \
  "${target_options[@]}" restore >&2
restore_seconds=$(seconds_since "$started")

# archive-get in pgBackRest's asynchronous mode: while PostgreSQL replays a segment, the next ones are fetched in the
# background, in parallel, into the spool (rather than one archive-get and one TLS connection per segment, on demand).
spool=/tmp/restore-spool
mkdir -p "$spool"
chown postgres:postgres "$spool"
export PGBACKREST_ARCHIVE_ASYNC=y PGBACKREST_SPOOL_PATH=$spool

# recovery_prefetch=off: PostgreSQL's WAL read-ahead would otherwise read on past a recovery target through every
# segment archived after it (each one fetched from the repository) before it stops: twice the segments in a drill.
started=$(now)
log "replaying WAL from the repository"
if ! as_postgres "$bin/pg_ctl" -D "$pgdata" -w -t 3600 -l /tmp/restore-postgres.log -o \
  "-c listen_addresses='' -c unix_socket_directories=$socket -c archive_mode=off -c synchronous_standby_names='' -c hba_file=/tmp/restore-hba.conf -c recovery_prefetch=off" start >&2; then
  log "error: PostgreSQL did not start on the restored data; its log:"
  tail -n 30 /tmp/restore-postgres.log >&2
  cleanup
  exit 4
fi
until [ "$(sql -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
  if ! as_postgres "$bin/pg_ctl" -D "$pgdata" status >/dev/null; then
    log "error: PostgreSQL stopped during recovery; its log:"
    tail -n 30 /tmp/restore-postgres.log >&2
    cleanup
    exit 4
  fi
  sleep 0.05
done
recovery_seconds=$(seconds_since "$started")

started=$(now)
result=null
if [ -n "${VERIFY_SQL:-}" ]; then
  result=$(sql -c "$VERIFY_SQL")
else
  sql -c 'ALTER SYSTEM RESET ALL'
fi
verify_seconds=$(seconds_since "$started")
as_postgres "$bin/pg_ctl" -D "$pgdata" -m fast -w -t 300 stop >&2
printf '{"restore_seconds":%s,"recovery_seconds":%s,"verify_seconds":%s,"result":%s}\n' "$restore_seconds" "$recovery_seconds" "$verify_seconds" "$result"
