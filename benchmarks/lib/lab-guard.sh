# shellcheck shell=bash
# For the benchmarks that tear the lab down.

# lab_teardown_guard NAME FORCE — exits unless run as root and, when FORCE is 0, unless the lab's swarm runs no service
# (the benchmark would destroy it).
lab_teardown_guard() {
  local name=$1 force=$2 socket=/run/swarm-pg-lab/node1/docker.sock services
  if [[ $EUID -ne 0 ]]; then
    echo "$name: needs root (the lab does)." >&2
    exit 1
  fi
  if ((!force)) && [[ -S $socket ]]; then
    services=$(timeout 10 docker -H "unix://$socket" service ls --format '{{.Name}}' 2>/dev/null | tr '\n' ' ' || true)
    if [[ -n ${services// /} ]]; then
      echo "$name: the lab runs services ($services); this benchmark would destroy them." >&2
      printf '%*s  Remove them first, or pass --force.\n' "${#name}" "" >&2
      exit 1
    fi
  fi
}
