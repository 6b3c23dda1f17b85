#!/usr/bin/env bash
# Backup and restore benchmark on the lab, printed, never asserted: a database of about 1 GB (pgbench, SCALE=68 by
# default) on environments/lab.yml's leader pg1, then side by side:
#   pgBackRest   ./build.sh --target=Backup --type=full (pgBackRest's own duration and the whole command), and
#                ./build.sh --target=RestoreDrill (restore into a scratch task, WAL replay to a restore point, verify)
#   baseline     pg_basebackup of the leader (-X stream, fast checkpoint) from pg2's container, then PostgreSQL started
#                on the copy until it accepts connections
# Goal: backup and restore no slower than the baseline. ROUNDS=n (default 1) repeats the measures and prints medians.
# It deploys the lab environment and writes the bench database into it: run it under the lab lock
# (flock -o /work/wt/lab.lock benchmarks/backup.sh), not while lab tests run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scale=${SCALE:-68}
rounds=${ROUNDS:-1}
export DOCKER_HOST=unix:///run/swarm-pg-lab/node1/docker.sock
log=/tmp/spg-backup-bench.log

./build.sh --target=Deploy --env=lab >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
leader=$(docker ps -qf name=pg-lab_pg1)
replica=$(DOCKER_HOST=unix:///run/swarm-pg-lab/node2/docker.sock docker ps -qf name=pg-lab_pg2)
pg() { docker exec -i "$leader" bash /usr/local/lib/swarm-pg/member.sh sql pg1; }

if [[ $(pg <<<"SELECT count(*) FROM pg_database WHERE datname = 'bench'") != 1 ]]; then
  echo "creating the bench database (pgbench scale $scale)"
  # shellcheck disable=SC2016 # expanded inside the container
  docker exec "$leader" bash -c 'PGPASSWORD=$(cat /run/secrets/superuser_password) psql -X -q -h pg1 -U postgres -d postgres -c "CREATE DATABASE bench"' >>"$log" 2>&1
  docker exec "$leader" bash -c "PGPASSWORD=\$(cat /run/secrets/superuser_password) /usr/lib/postgresql/17/bin/pgbench -q -i -s $scale -h pg1 -U postgres bench" >>"$log" 2>&1
fi
size=$(pg <<<"SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database")
echo "cluster size: $size"

seconds() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
backup_runs=() backup_own=() restore_runs=() restore_own=() basebackup_runs=() startup_runs=()
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds"
  started=$(date +%s.%N)
  ./build.sh --target=Backup --env=lab --type=full >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
  backup_runs+=("$(seconds "$started")")
  backup_own+=("$(grep -oE "pgBackRest's backup command [0-9.]+ s" "$log" | tail -n 1 | grep -oE '[0-9.]+')")

  started=$(date +%s.%N)
  ./build.sh --target=RestoreDrill --env=lab >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
  restore_runs+=("$(seconds "$started")")
  restore=$(grep -E 'pgbackrest restore' "$log" | grep -oE '[0-9.]+ s' | head -n 1 | grep -oE '[0-9.]+')
  replay=$(grep -E 'WAL replay to the restore point' "$log" | grep -oE '[0-9.]+ s' | head -n 1 | grep -oE '[0-9.]+')
  restore_own+=("$(awk -v a="$restore" -v b="$replay" 'BEGIN { printf "%.1f", a + b }')")

  # shellcheck disable=SC2016 # expanded inside the container
  baseline=$(DOCKER_HOST=unix:///run/swarm-pg-lab/node2/docker.sock docker exec "$replica" bash -c '
    set -e; rm -rf /tmp/bb; mkdir -p /tmp/bb /tmp/bbsock; chown postgres: /tmp/bb /tmp/bbsock; chmod 700 /tmp/bb
    echo "local all postgres peer" > /tmp/bb-hba.conf; chmod 644 /tmp/bb-hba.conf
    as() { setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/var/lib/postgresql "$@"; }
    a=$(date +%s.%N)
    as env PGPASSWORD="$(cat /run/secrets/replication_password)" /usr/lib/postgresql/17/bin/pg_basebackup -h pg1 -U replicator -D /tmp/bb -X stream -c fast
    b=$(date +%s.%N)
    as /usr/lib/postgresql/17/bin/pg_ctl -D /tmp/bb -w -t 3600 -l /tmp/bb.log -o "-p 5999 -c listen_addresses= -c unix_socket_directories=/tmp/bbsock -c archive_mode=off -c hba_file=/tmp/bb-hba.conf -c synchronous_standby_names=" start >/dev/null
    c=$(date +%s.%N)
    as /usr/lib/postgresql/17/bin/pg_ctl -D /tmp/bb -m immediate -w stop >/dev/null; rm -rf /tmp/bb
    awk -v a="$a" -v b="$b" -v c="$c" "BEGIN { printf \"%.1f %.1f\", b - a, c - b }"')
  basebackup_runs+=("${baseline% *}")
  startup_runs+=("${baseline#* }")
  echo "  pgBackRest full backup ${backup_own[-1]} s (command ${backup_runs[-1]} s); restore + replay ${restore_own[-1]} s (drill ${restore_runs[-1]} s)"
  echo "  pg_basebackup ${basebackup_runs[-1]} s, start-up on the copy ${startup_runs[-1]} s"
done

printf '\n%-62s %10s\n' "measure (median of $rounds, cluster $size)" "seconds"
printf '%-62s %10s\n' "pgBackRest full backup (pgBackRest's own duration)" "$(median "${backup_own[@]}")"
printf '%-62s %10s\n' "  the Backup command, all of it" "$(median "${backup_runs[@]}")"
printf '%-62s %10s\n' "pgBackRest restore + WAL replay (RestoreDrill's phases)" "$(median "${restore_own[@]}")"
printf '%-62s %10s\n' "  the RestoreDrill command, all of it" "$(median "${restore_runs[@]}")"
printf '%-62s %10s\n' "baseline: pg_basebackup" "$(median "${basebackup_runs[@]}")"
printf '%-62s %10s\n' "baseline: start-up on the copy" "$(median "${startup_runs[@]}")"
printf '%-62s %10s\n' "baseline: pg_basebackup + start-up" "$(median "$(for i in "${!basebackup_runs[@]}"; do awk -v a="${basebackup_runs[$i]}" -v b="${startup_runs[$i]}" 'BEGIN { print a + b }'; done)")"
