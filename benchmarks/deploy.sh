#!/usr/bin/env bash
# Deploy benchmark on the lab (environments/lab.yml, the Patroni layout), printed, never asserted. In one run, side by side:
#   baseline  docker stack deploy -c artifacts/lab/stack.yml (after creating the external secrets it names; Swarm
#             creates its configs from the files), then polling until every member streams: the leader, found through
#             any member, lists members-1 streaming walsenders in pg_stat_replication
#   pipeline  ./build.sh --target=Deploy --env=lab, from start until the smoke checks passed
#   no-op     the same Deploy again with nothing to change (whole command, and the step's own time)
# Goals: pipeline within 1.0x of the baseline; no-op deploy under 2 s. ROUNDS=n (default 5) alternates the
# baseline and the pipeline n times and compares the medians, since single runs vary by a second or more.
# Removes and redeploys the pg-lab stack (its data too): run it under the lab lock, not while lab tests run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./build.sh --target=Lab >/dev/null
# shellcheck disable=SC1091
. .lab/lab.env
export DOCKER_HOST
stack=pg-lab
# Every member's host and port, in the order of environments/lab.yml; a client asking for read-write finds the leader.
hosts=$(awk '/^    connect_host:/ { print $2 }' environments/lab.yml | paste -sd,)
ports=$(awk '/^    port:/ { print $2 }' environments/lab.yml | paste -sd,)
members=$(tr ',' '\n' <<<"$hosts" | wc -l)
now() { date +%s.%N; }
secret() { python3 -c "import json,sys; print(json.load(open('.secrets/lab.json'))[sys.argv[1]], end='')" "$1"; }

remove_stack() {
  docker stack rm "$stack" >/dev/null 2>&1 || true
  for node in 1 2 3; do
    socket="unix:///run/swarm-pg-lab/node$node/docker.sock"
    for _ in $(seq 1 60); do
      [ -z "$(docker -H "$socket" ps -aq --filter "label=com.docker.stack.namespace=$stack")" ] && break
      sleep 1
    done
    docker -H "$socket" volume ls -q --filter "label=com.docker.stack.namespace=$stack" | xargs -r docker -H "$socket" volume rm >/dev/null
  done
  docker secret ls -q --filter "name=${stack}_" | xargs -r docker secret rm >/dev/null 2>&1 || true
  docker config ls -q --filter "name=${stack}_" | xargs -r docker config rm >/dev/null 2>&1 || true
}

streaming() {
  PGPASSWORD=$(secret superuser_password) PGCONNECT_TIMEOUT=2 psql -Atc "select count(*) from pg_stat_replication where state = 'streaming'" \
    "host=$hosts port=$ports user=postgres dbname=postgres target_session_attrs=read-write" 2>/dev/null || echo 0
}

./build.sh --target=Render --env=lab >/dev/null
./build.sh --target=Smoke --env=lab >/dev/null 2>&1 || true  # nothing deployed yet is fine; generates .secrets/lab.json on first use
remove_stack

rounds=${ROUNDS:-5}
baselines=()
pipelines=()
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds: baseline (docker stack deploy, then polling until $((members - 1)) members stream from the leader)"
  # Every secret the stack names (passwords, the pgBackRest and PostgreSQL TLS files), as the lab generated them.
  for key in $(python3 -c "import json; print(' '.join(json.load(open('.secrets/lab.json'))))"); do
    secret "$key" | docker secret create "${stack}_$key" - >/dev/null
  done
  start=$(now)
  docker stack deploy --detach=true -c artifacts/lab/stack.yml "$stack" >/dev/null
  for _ in $(seq 1 600); do
    [ "$(streaming)" = "$((members - 1))" ] && break
    sleep 0.5
  done
  baselines+=("$(echo "$(now) - $start" | bc)")
  remove_stack

  echo "round $round/$rounds: pipeline (./build.sh --target=Deploy --env=lab: deploy, then smoke)"
  start=$(now)
  ./build.sh --target=Deploy --env=lab >/tmp/spg-deploy-bench.log 2>&1 || { tail -40 /tmp/spg-deploy-bench.log; exit 1; }
  pipelines+=("$(echo "$(now) - $start" | bc)")
  [ "$round" -lt "$rounds" ] && remove_stack
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
baseline=$(median "${baselines[@]}")
pipeline=$(median "${pipelines[@]}")

echo "no-op: the same Deploy again"
start=$(now)
./build.sh --target=Deploy --env=lab >/tmp/spg-deploy-bench.log 2>&1
noop=$(echo "$(now) - $start" | bc)
noop_step=$(grep -o 'is as git says ([0-9.]* s)' /tmp/spg-deploy-bench.log | grep -o '[0-9.]*')

echo "baseline runs: ${baselines[*]}"
echo "pipeline runs: ${pipelines[*]}"
printf '\n%-44s %8s\n' "measure" "seconds"
printf '%-44s %8.1f\n' "baseline: stack deploy until all streaming (median)" "$baseline"
printf '%-44s %8.1f\n' "pipeline: Deploy until smoke passed (median)" "$pipeline"
printf '%-44s %8.2f\n' "pipeline / baseline" "$(echo "$pipeline / $baseline" | bc -l)"
printf '%-44s %8.1f\n' "no-op Deploy, whole command" "$noop"
printf '%-44s %8.1f\n' "no-op Deploy, the deploy step itself" "$noop_step"
