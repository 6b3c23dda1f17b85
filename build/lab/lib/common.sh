# shellcheck shell=bash
# Names, paths and bounds of the lab, and the helpers every lab script uses (output, timing, waits, the lock).
# Sourced (once) by every lab script; it sets no shell options, the entry points do.
[[ -n ${LAB_LIB_COMMON:-} ]] && return 0
LAB_LIB_COMMON=1

# shellcheck disable=SC2034 # constants read by the other lab scripts
{
  LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  REPO_ROOT=$(cd "$LAB_SCRIPTS/../.." && pwd)
  readonly LAB_SCRIPTS REPO_ROOT
  readonly LAB_DIR="$REPO_ROOT/.lab"
  # How messages name the command to run again (the path lab.sh was called by).
  LAB_CMD=${LAB_CMD:-$LAB_SCRIPTS/lab.sh}

  readonly BRIDGE=spglab0
  readonly NET_PREFIX=192.168.77
  readonly BRIDGE_CIDR="$NET_PREFIX.1/24"
  readonly NODES=(node1 node2 node3)
  readonly DATA_BASE=/var/lib/swarm-pg-lab
  readonly RUN_BASE=/run/swarm-pg-lab
  readonly LOG_BASE=/var/log/swarm-pg-lab
  readonly CACHE_DIR=/var/cache/swarm-pg-lab
  # The classic environments' image (the official postgres:15 layout) and the project's own image (build/image).
  readonly IMAGE=swarm-pg/postgres:15-lab
  readonly ROOTFS_TAR="$CACHE_DIR/postgres-15-rootfs.tar"
  readonly PROJECT_PG_MAJOR=17
  readonly PROJECT_IMAGE=swarm-pg/postgres:$PROJECT_PG_MAJOR-lab
  # One lock for the whole machine: the lab is machine-global, whichever checkout runs lab.sh.
  readonly LOCK_FILE=/run/lock/swarm-pg-lab.lock

  # Bounds (seconds) for every wait and every engine call.
  readonly CONTAINERD_START_TIMEOUT=30
  readonly ENGINE_START_TIMEOUT=90
  readonly ENGINE_STOP_TIMEOUT=40
  readonly CONTAINERD_STOP_TIMEOUT=15
  readonly NODE_READY_TIMEOUT=60
  readonly DOCKER_CALL_TIMEOUT=60
  readonly IMPORT_TIMEOUT=600
  readonly DEBOOTSTRAP_TIMEOUT=1800
  readonly LINK_GONE_TIMEOUT=15
  readonly LOCK_TIMEOUT=900
}

log() { printf '%s\n' "$*"; }
warn() { printf 'lab: warning: %s\n' "$*" >&2; }
# die MESSAGE [HINT...] — the error and what to do about it, then exit 1.
die() {
  printf 'lab: error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# seconds_since MS — "12.3s" from a now_ms value.
seconds_since() {
  local ms=$(($(now_ms) - $1))
  echo "$((ms / 1000)).$(((ms % 1000) / 100))s"
}
STEP_T0=0
step() {
  STEP_T0=$(now_ms)
  log "==> $*"
}
step_done() { log "    done in $(seconds_since "$STEP_T0")${*:+ ($*)}"; }

tail_log() {
  local f=$1
  if [[ -f $f ]]; then
    printf '  --- last 20 lines of %s ---\n' "$f" >&2
    tail -n 20 "$f" | sed 's/^/  | /' >&2
  fi
}

node_num() { echo "${1#node}"; }
node_addr() { echo "$NET_PREFIX.1$(node_num "$1")"; }
node_ns() { echo "spglab-$1"; }
node_veth() { echo "spglab-v$(node_num "$1")"; }
node_hostname() { echo "spglab-$1"; }
node_run() { echo "$RUN_BASE/$1"; }
node_sock() { echo "$RUN_BASE/$1/docker.sock"; }
node_ctrd_sock() { echo "$RUN_BASE/$1/containerd/containerd.sock"; }
node_log() { echo "$LOG_BASE/$1.log"; }
node_ctrd_log() { echo "$LOG_BASE/$1-containerd.log"; }
# The seed's label (node2 and node3 are labelled worker although every lab node is a swarm manager).
node_purpose() { if [[ $1 == node1 ]]; then echo master; else echo worker; fi; }

# dk NODE ARGS... — the docker CLI against one node's engine, bounded.
dk() {
  local n=$1
  shift
  timeout "$DOCKER_CALL_TIMEOUT" docker -H "unix://$(node_sock "$n")" "$@"
}

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# stop_pids TIMEOUT PID... — TERM, bounded wait, then KILL.
stop_pids() {
  local timeout=$1 pid deadline alive
  shift
  (($# > 0)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    alive=0
    for pid in "$@"; do pid_alive "$pid" && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
  warn "still running after ${timeout}s, killing: $*"
  kill -KILL "$@" 2>/dev/null || true
  sleep 0.5
}

# wait_until TIMEOUT COMMAND... — polls COMMAND until it succeeds; fails after TIMEOUT seconds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# unmount_under DIR — everything mounted at or below DIR, deepest first.
unmount_under() {
  local prefix=$1 pass mp
  for pass in 1 2 3; do
    local mps=()
    while read -r mp; do mps+=("$mp"); done < <(
      awk -v p="$prefix" '{ if ($5 == p || index($5, p "/") == 1) print length($5) " " $5 }' /proc/self/mountinfo |
        sort -rn | cut -d' ' -f2- | uniq
    )
    ((${#mps[@]} == 0)) && return 0
    for mp in "${mps[@]}"; do
      umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
    done
    [[ $pass == 3 ]] && warn "could not unmount everything under $prefix"
  done
  return 0
}

# remove_trees DIR... — rm -rf, never across a mount; each first-level entry in parallel (a lab holds three engines'
# data, tens of thousands of files).
remove_trees() {
  local d e pids=()
  shopt -s nullglob dotglob
  for d in "$@"; do
    for e in "$d"/*; do
      rm -rf --one-file-system "$e" &
      pids+=("$!")
    done
  done
  shopt -u nullglob dotglob
  ((${#pids[@]} == 0)) || wait "${pids[@]}" || true
  rm -rf --one-file-system "$@"
}

# Serialise up/down on this machine. The lock is fd 9; daemons are started with 9<&- so that they do not inherit it.
take_lock() {
  mkdir -p "$(dirname "$LOCK_FILE")"
  exec 9>>"$LOCK_FILE"
  if ! flock -w "$LOCK_TIMEOUT" 9; then
    die "another lab.sh is running and did not finish within ${LOCK_TIMEOUT}s."
  fi
}
