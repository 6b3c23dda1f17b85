#!/bin/bash
# Entrypoint of a Patroni member of pg-prod, rendered by swarm-pg-gitops from environments/prod.yml.
# Runs as root: hands the passwords to Patroni through its environment (never printed, never in a file here),
# then becomes Patroni as the postgres user. Patroni is PID 1 and reaps the server's processes itself.
#   member.sh            run the member
#   member.sh ctl ARGS   patronictl with this member's configuration and REST API credentials (what Deploy and Smoke run)
#   member.sh post-bootstrap CONNINFO   Patroni's post_bootstrap: what a new cluster needs besides Patroni's own roles
#   member.sh sql MEMBER   psql on MEMBER as the superuser with this member's password, the script on stdin, one transaction
set -euo pipefail

readonly VOLUME=/var/lib/postgresql/data
readonly SECRETS=/run/secrets

# Its own folder: Patroni merges every .yml in the folder it is given, and Debian puts examples in /etc/patroni.
readonly CONFIG=/etc/swarm-pg/patroni

log() { echo "member: $*"; }

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

log "starting Patroni for PostgreSQL 17"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 \
  patroni "$CONFIG"
