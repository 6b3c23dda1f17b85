#!/bin/sh
# verify-inside.sh — the checks verify-rootfs.sh runs inside the unpacked image (chroot, as root, loopback only),
# with the environment the image declares in /etc/swarm-pg/image.env. One line per check; exit code 1 if any fails.
set -u
# shellcheck source=/dev/null
set -a && . /etc/swarm-pg/image.env && set +a
failed=0
check() { # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok    $1: $3"; else echo "FAIL  $1: expected '$2', got '$3'"; failed=1; fi
}
show() { echo "      $1: $2"; }
as() { user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups env HOME=/var/lib/postgresql "$@"; }
wait_for() { # SECONDS COMMAND...
  n=$(($1 * 10)); shift
  while [ "$n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}

show postgres "$(postgres --version)"
show patroni "$(patroni --version)"
show etcd "$(etcd --version | head -n1)"
show etcdctl "$(etcdctl version | head -n1)"
show pgbackrest "$(pgbackrest version)"
show haproxy "$(haproxy -v | head -n1)"
show python3 "$(python3 --version)"
check "python modules" ok "$(python3 -c 'import etcd, psycopg2, dns, patroni.dcs.etcd3; print("ok")' 2>&1)"
check "postgres ids" "999:999" "$(id -u postgres):$(id -g postgres)"
check "etcd ids" "998:998" "$(id -u etcd):$(id -g etcd)"
check "haproxy ids" "997:997" "$(id -u haproxy):$(id -g haproxy)"
check "bin dir" "$PATRONI_POSTGRESQL_BIN_DIR/initdb" "$(command -v initdb)"
check "clusters (pg_lsclusters)" "" "$(pg_lsclusters -h)"
check "/etc/postgresql" "" "$(ls -A /etc/postgresql)"
check "/var/lib/postgresql" "data" "$(ls -A /var/lib/postgresql)"
check "create_main_cluster" "off" "$(pg_conftool "$PG_MAJOR" main /etc/postgresql-common/createcluster.conf show -bs create_main_cluster 2>/dev/null ||
  sed -n 's/^create_main_cluster = false$/off/p' /etc/postgresql-common/createcluster.conf)"
check "/run/postgresql" "postgres 2775" "$(stat -c '%U %a' /run/postgresql)"

ip link set lo up
as postgres initdb -D /tmp/initdb >/tmp/initdb.log 2>&1 || cat /tmp/initdb.log
as postgres pg_ctl -D /tmp/initdb -o "-c listen_addresses= -k /tmp -p 5499" -w -l /tmp/pg.log start >/dev/null
check "initdb encoding" "UTF8|C.UTF-8" "$(as postgres psql -h /tmp -p 5499 -d postgres -Atc "select pg_encoding_to_char(encoding) || '|' || datcollate from pg_database where datname = 'template1'")"
as postgres pg_ctl -D /tmp/initdb -m fast stop >/dev/null

# One Patroni member on one etcd, on loopback: the image's Patroni talks etcd3 and bootstraps PostgreSQL.
as etcd etcd --name e1 --data-dir /var/lib/etcd/verify --listen-client-urls http://127.0.0.1:2379 \
  --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
  --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster e1=http://127.0.0.1:2380 >/tmp/etcd.log 2>&1 &
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n') # a throwaway for this run, never printed
cat >/etc/patroni/verify.yml <<YAML
scope: verify
name: pg1
restapi: {listen: 127.0.0.1:8008, connect_address: 127.0.0.1:8008}
etcd3: {hosts: 127.0.0.1:2379}
watchdog: {mode: off}
bootstrap:
  dcs: {ttl: 20, loop_wait: 5, retry_timeout: 5}
postgresql:
  listen: 127.0.0.1:5432
  connect_address: 127.0.0.1:5432
  data_dir: /var/lib/postgresql/data
  pgpass: /tmp/pgpass
  authentication:
    superuser: {username: postgres, password: $password}
    replication: {username: replicator, password: $password}
  pg_hba: [local all all trust, host all all 127.0.0.1/32 scram-sha-256]
YAML
chown postgres /etc/patroni/verify.yml
start=$(date +%s%N)
as postgres patroni /etc/patroni/verify.yml >/tmp/patroni.log 2>&1 &
if wait_for 60 python3 -c 'import urllib.request as u; u.urlopen("http://127.0.0.1:8008/primary", timeout=1)'; then
  show "patroni bootstrap" "leader after $(( ($(date +%s%N) - start) / 1000000 )) ms"
  check "patroni server encoding" UTF8 "$(as postgres psql -h /run/postgresql -d postgres -Atc 'show server_encoding')"
else
  check "patroni bootstrap" leader "no leader after 60 s: $(tail -n 5 /tmp/patroni.log)"
fi
exit "$failed"
