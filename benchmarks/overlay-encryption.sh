#!/usr/bin/env bash
# Whether Swarm's encrypted overlay (driver option `encrypted`, IPsec ESP between nodes) carries traffic on the lab,
# printed, never asserted: for a plain and an encrypted overlay, a listener on node1 and a client on node2, then whether
# the client reaches it within 10 s. Also prints what the kernel was built with. Run under the lab lock
# (flock -o /work/wt/lab.lock benchmarks/overlay-encryption.sh); it removes what it creates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./build.sh --target=Lab >/dev/null
export DOCKER_HOST=unix:///run/swarm-pg-lab/node1/docker.sock
image=swarm-pg/postgres:17-lab

echo "kernel $(uname -r):"
if [ -r /proc/config.gz ]; then
  zcat /proc/config.gz | grep -E '^(# )?CONFIG_(INET_ESP|XFRM_USER|CRYPTO_GCM|MODULES)[ =]' | sed 's/^/  /'
else
  echo "  /proc/config.gz is not there: the kernel's build options cannot be read"
fi

cleanup() {
  docker service rm spg-probe-listen spg-probe-client >/dev/null 2>&1 || true
  # The network goes once the services' tasks have left it.
  for _ in $(seq 1 30); do
    docker network rm spg-probe-net >/dev/null 2>&1 || true
    docker network inspect spg-probe-net >/dev/null 2>&1 || return 0
    sleep 1
  done
}
trap cleanup EXIT

probe() {
  local kind=$1
  shift
  cleanup
  docker network create -d overlay "$@" spg-probe-net >/dev/null
  docker service create -d -q --name spg-probe-listen --network spg-probe-net --endpoint-mode dnsrr \
    --constraint node.labels.lab.node==node1 "$image" python3 -m http.server 8080 >/dev/null
  docker service create -d -q --name spg-probe-client --network spg-probe-net --endpoint-mode dnsrr \
    --constraint node.labels.lab.node==node2 "$image" sleep 600 >/dev/null
  local client=""
  for _ in $(seq 1 60); do
    client=$(DOCKER_HOST=unix:///run/swarm-pg-lab/node2/docker.sock docker ps -qf name=spg-probe-client)
    [ -n "$client" ] && [ -n "$(docker ps -qf name=spg-probe-listen)" ] && break
    sleep 1
  done
  local started result
  started=$(date +%s.%N)
  # shellcheck disable=SC2016 # expanded inside the container
  if DOCKER_HOST=unix:///run/swarm-pg-lab/node2/docker.sock docker exec "$client" bash -c \
    'for _ in $(seq 1 20); do exec 3<>/dev/tcp/spg-probe-listen/8080 2>/dev/null && exit 0; sleep 0.5; done; exit 1'; then
    result="reached the listener on node1 in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  else
    result="did NOT reach the listener on node1 within 10 s"
  fi
  printf '%-22s %s\n' "$kind overlay:" "$result"
}

probe plain
probe encrypted --opt encrypted
