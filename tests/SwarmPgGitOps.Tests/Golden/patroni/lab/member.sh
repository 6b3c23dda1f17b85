#!/bin/bash
# Entrypoint of a Patroni member of pg-lab, rendered by swarm-pg-gitops from environments/lab.yml.
# Runs as root: hands the passwords to Patroni through its environment (never printed, never in a file here),
# then becomes Patroni as the postgres user. Patroni is PID 1 and reaps the server's processes itself.
set -euo pipefail

readonly VOLUME=/var/lib/postgresql/data
readonly SECRETS=/run/secrets

log() { echo "member: $*"; }

mkdir -p /var/run/postgresql
chown postgres:postgres "$VOLUME" /var/run/postgresql

PATRONI_SUPERUSER_PASSWORD=$(cat "$SECRETS/superuser_password")
PATRONI_REPLICATION_PASSWORD=$(cat "$SECRETS/replication_password")
PATRONI_RESTAPI_PASSWORD=$(cat "$SECRETS/rest_api_password")
export PATRONI_SUPERUSER_PASSWORD PATRONI_REPLICATION_PASSWORD PATRONI_RESTAPI_PASSWORD

log "starting Patroni for PostgreSQL 17"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 \
  patroni /etc/patroni/patroni.yml
