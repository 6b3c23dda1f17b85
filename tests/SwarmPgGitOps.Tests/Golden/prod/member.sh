#!/bin/bash
# Entrypoint of a Patroni member of pg-prod, rendered by swarm-pg-gitops from environments/prod.yml.
# Runs as root: hands the passwords to Patroni through its environment (never printed, never in a file here),
# then becomes Patroni as the postgres user. Patroni is PID 1 and reaps the server's processes itself.
#   member.sh            run the member
#   member.sh ctl ARGS   patronictl with this member's configuration and REST API credentials (what Deploy and Smoke run)
#   member.sh post-bootstrap CONNINFO   Patroni's post_bootstrap: what a new cluster needs besides Patroni's own roles
#                                       (also run on a classic primary's data directory before Patroni takes it over)
#   member.sh sql MEMBER   psql on MEMBER as the superuser with this member's password, the script on stdin, one transaction
set -euo pipefail

readonly VOLUME=/var/lib/postgresql/data
readonly PGDATA_DIR=$VOLUME/pgdata
readonly BIN=/usr/lib/postgresql/17/bin
readonly SECRETS=/run/secrets

# Its own folder: Patroni merges every .yml in the folder it is given, and Debian puts examples in /etc/patroni.
readonly CONFIG=/etc/swarm-pg/patroni

log() { echo "member: $*"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 "$@"; }

PATRONI_SUPERUSER_PASSWORD=$(cat "$SECRETS/superuser_password")
PATRONI_REPLICATION_PASSWORD=$(cat "$SECRETS/replication_password")
PATRONI_RESTAPI_PASSWORD=$(cat "$SECRETS/rest_api_password")
export PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD PATRONI_RESTAPI_PASSWORD

case ${1:-} in
  ctl)
    shift
    exec patronictl -c "$CONFIG" "$@"
    ;;
  post-bootstrap)
    exec psql -X -q -v ON_ERROR_STOP=1 -d "$2" -c 'CREATE TABLE IF NOT EXISTS public.swarm_pg_canary (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());'
    ;;
  sql)
    PGPASSWORD=$PATRONI_SUPERUSER_PASSWORD exec psql -X -q -A -t -1 -v ON_ERROR_STOP=1 -h "$2" -U postgres -d postgres -f -
    ;;
esac

mkdir -p /var/run/postgresql
chown postgres:postgres "$VOLUME" /var/run/postgresql

# A primary's data directory that Patroni never ran (Patroni keeps initdb's configuration as postgresql.base.conf): a
# classic layout's, taken over. Patroni starts it as it is and records its system id; what Patroni's bootstrap would
# have done is done here, on the server alone (no client can connect): the post_bootstrap step, and no
# synchronous_standby_names left in postgresql.auto.conf by a classic deploy that was killed while it had it suspended.
if [ -s "$PGDATA_DIR/PG_VERSION" ] && [ ! -e "$PGDATA_DIR/postgresql.base.conf" ] && [ ! -e "$PGDATA_DIR/standby.signal" ]; then
  log "taking over a data directory Patroni has never run: preparing it"
  as_postgres "$BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 300 -l /var/run/postgresql/takeover.log \
    -o "-c listen_addresses='' -c synchronous_commit=local" start >/dev/null
  as_postgres "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c 'ALTER SYSTEM RESET synchronous_standby_names'
  as_postgres bash "$0" post-bootstrap dbname=postgres
  as_postgres "$BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 300 stop >/dev/null
fi

log "starting Patroni for PostgreSQL 17"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 \
  patroni "$CONFIG"
