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
    # The canary table and the checks' role (Postgres/MonitorRole.cs), with its password when the stack has one; the
    # password goes through a psql variable, never onto a command line, and the statement is not logged.
    monitor_password=
    if [ -r "$SECRETS/monitor_password" ]; then monitor_password=$(cat "$SECRETS/monitor_password"); fi
    exec psql -X -q -1 -v ON_ERROR_STOP=1 -v monitor_password="$monitor_password" -d "$2" -f - <<'SQL'
SET LOCAL log_statement = 'none';
SET LOCAL log_min_error_statement = 'panic';
CREATE TABLE IF NOT EXISTS public.swarm_pg_canary (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'swarm_pg_monitor') THEN CREATE ROLE swarm_pg_monitor LOGIN; END IF; END $$;
GRANT pg_monitor TO swarm_pg_monitor;
GRANT SELECT, INSERT, DELETE ON public.swarm_pg_canary TO swarm_pg_monitor;
GRANT SELECT ON pg_catalog.pg_hba_file_rules TO swarm_pg_monitor;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO swarm_pg_monitor;
CREATE SCHEMA IF NOT EXISTS swarm_pg;
CREATE OR REPLACE FUNCTION swarm_pg.member_name() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
  AS $f$ SELECT btrim(pg_read_file('/etc/hostname'), E' \n') $f$;
CREATE OR REPLACE FUNCTION swarm_pg.password_scheme(role name) RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
  AS $f$ SELECT CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END
           FROM pg_authid WHERE rolname = role $f$;
REVOKE ALL ON FUNCTION swarm_pg.member_name(), swarm_pg.password_scheme(name) FROM PUBLIC;
GRANT USAGE ON SCHEMA swarm_pg TO swarm_pg_monitor;
GRANT EXECUTE ON FUNCTION swarm_pg.member_name(), swarm_pg.password_scheme(name) TO swarm_pg_monitor;
SELECT :'monitor_password' <> '' AS has_password \gset
\if :has_password
ALTER ROLE swarm_pg_monitor PASSWORD :'monitor_password';
\endif
SQL
    ;;
  sql)
    PGPASSWORD=$PATRONI_SUPERUSER_PASSWORD exec psql -X -q -A -t -1 -v ON_ERROR_STOP=1 -h "$2" -U postgres -d postgres -f -
    ;;
esac

mkdir -p /var/run/postgresql
chown postgres:postgres "$VOLUME" /var/run/postgresql

# Data of another major (a classic primary's taken over, or an image of a newer major deployed onto old data) is not
# upgraded by starting it: stop here with why, before Patroni retries it forever.
if [ -s "$PGDATA_DIR/PG_VERSION" ] && [ "$(cat "$PGDATA_DIR/PG_VERSION")" != "17" ]; then
  log "error: $PGDATA_DIR holds PostgreSQL $(cat "$PGDATA_DIR/PG_VERSION") data and this image runs PostgreSQL 17; nothing was started (hint: deploy an image of the data's major, or upgrade the data first: pg_upgrade is not part of a deploy)" >&2
  exit 1
fi

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

# Patroni reads etcd's cluster version once, when it starts, to choose etcd's API. A new etcd cluster answers
# "not_decided" and then 3.0 for its first seconds: Patroni would wait 5 s, or choose an API without watches (its
# replicas would then notice a lost leader only at their next loop). Start it once etcd has decided.
wait_for_etcd() {
  # Each etcd member is asked in its own thread: one that is slow to answer (its name not known to the stack's DNS yet)
  # delays nobody, and Patroni starts within 0.2 s of etcd's decision.
  python3 - etcd1:2379 etcd2:2379 etcd3:2379 <<'PYTHON'
import json, sys, threading, time, urllib.request
decided, answers = threading.Event(), {host: "not answered yet" for host in sys.argv[1:]}
def ask(host):
    while not decided.is_set():
        try:
            with urllib.request.urlopen(f"http://{host}/version", timeout=2) as response:
                cluster = json.load(response).get("etcdcluster", "")
        except Exception as error:
            cluster = f"unreachable ({error.__class__.__name__})"
        answers[host] = cluster
        if cluster[:1].isdigit() and tuple(int(p) for p in cluster.split(".")[:2]) >= (3, 1):
            decided.set()
        time.sleep(0.2)
for host in answers:
    threading.Thread(target=ask, args=(host,), daemon=True).start()
started, wait = time.monotonic(), 2
while not decided.wait(wait):
    print(f"member: waiting for etcd to decide its cluster version ({time.monotonic() - started:.0f} s): "
          + ", ".join(f"{host} {answer}" for host, answer in answers.items()), flush=True)
    wait = 10
PYTHON
}
wait_for_etcd

log "starting Patroni for PostgreSQL 17"
exec setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql LANG=C.UTF-8 \
  patroni "$CONFIG"
