# shellcheck shell=bash source-path=SCRIPTDIR
# Per node: a persistent UTS namespace (its hostname), its own containerd and its own dockerd, both started in the
# node's network namespace. Daemons are found by their pid files, never by their command lines.
[[ -n ${LAB_LIB_ENGINES:-} ]] && return 0
LAB_LIB_ENGINES=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tls.sh
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"

# ctr blocks until its timeout when the socket is missing: test the socket first.
containerd_up() { [[ -S $(node_ctrd_sock "$1") ]] && timeout 5 ctr --connect-timeout 2s --address "$(node_ctrd_sock "$1")" version >/dev/null 2>&1; }
engine_up() { [[ -S $(node_sock "$1") ]] && timeout 5 docker -H "unix://$(node_sock "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# containerd's pid file is written by us at its start; dockerd writes its own (--pidfile).
daemon_pidfile() {
  case $2 in
  containerd) echo "$(node_run "$1")/containerd.pid" ;;
  dockerd) echo "$(node_run "$1")/docker.pid" ;;
  esac
}

# daemon_pid NODE containerd|dockerd — prints the pid its pid file names while that process is still a lab daemon: alive,
# running that program, and not in the host's network namespace (where no lab daemon runs). Fails otherwise.
daemon_pid() {
  local file pid exe
  file=$(daemon_pidfile "$1" "$2")
  [[ -s $file ]] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1 # dockerd writes no newline after the pid
  [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [[ ${exe##*/} == "$2" ]] || return 1
  [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) != "$(readlink "/proc/$$/ns/net")" ]] || return 1
  echo "$pid"
}

# in_node_netns NODE PID — the process runs in the node's current network namespace.
in_node_netns() {
  local inode
  inode=$(stat -L -c %i "/var/run/netns/$(node_ns "$1")" 2>/dev/null) || return 1
  [[ $(readlink "/proc/$2/ns/net" 2>/dev/null) == "net:[$inode]" ]]
}

write_node_config() {
  local n=$1 run data
  run=$(node_run "$n")
  data="$DATA_BASE/$n"
  mkdir -p "$run/exec" "$run/containerd" "$data/containerd/daemon" "$data/containerd/opt" "$LOG_BASE"
  cat >"$run/containerd.toml" <<TOML
version = 2
root = "$data/containerd/daemon"
state = "$run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$run/containerd/containerd.sock"
[ttrpc]
  address = "$run/containerd/containerd.sock.ttrpc"
[debug]
  address = "$run/containerd/containerd-debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$data/containerd/opt"
TOML
  # The engine's identity key would otherwise be shared: /etc/docker/key.json.
  jq -n --arg key "$data/key.json" '{"deprecated-key-path": $key}' >"$run/daemon.json"
}

# A persistent UTS namespace per node, so each engine (and swarm node) has its own hostname.
ensure_uts() {
  local n=$1 run
  run=$(node_run "$n")
  if ! findmnt -rn "$run/uts" >/dev/null 2>&1; then
    : >"$run/uts"
    unshare --uts="$run/uts" hostname "$(node_hostname "$n")"
  fi
}

# launch NODE LOG PROGRAM ARGS... — starts a daemon in the node's namespaces, detached, its output appended to LOG.
# LAUNCHED is its pid: the background job execs setsid, which execs nsenter, which execs the program (none forks).
# The daemon keeps no descriptor the caller had open beyond stdin/out/err: a lock held by whoever ran lab.sh (lab.sh's
# own on fd 9, or `flock lab.lock ./build.sh ...` on its fd) would otherwise stay held for as long as the daemon runs.
launch() {
  local n=$1 logf=$2
  shift 2
  printf '\n=== %s starting %s for %s\n' "$(date -Is)" "$1" "$n" >>"$logf"
  {
    close_inherited_fds
    exec setsid nsenter --net="/var/run/netns/$(node_ns "$n")" --uts="$(node_run "$n")/uts" -- "$@" </dev/null >>"$logf" 2>&1
  } &
  LAUNCHED=$!
}

# close_inherited_fds — closes every descriptor of this shell above 2.
close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    ((fd > 2)) && exec {fd}>&-
  done
  return 0
}

# The daemons this run launched, by NODE-PROGRAM.
declare -gA LAUNCHED_PIDS=()

# daemon_running NODE containerd|dockerd — a pid file names it, or this run launched it and it has not exited. (Just
# launched, it may not have reached the program yet, nor written its pid file.)
daemon_running() { daemon_pid "$1" "$2" >/dev/null || pid_alive "${LAUNCHED_PIDS[$1-$2]:-}"; }

start_containerd() {
  local n=$1 run
  run=$(node_run "$n")
  daemon_pid "$n" containerd >/dev/null && return 0 # starting; wait_containerd decides
  launch "$n" "$(node_ctrd_log "$n")" containerd --config "$run/containerd.toml"
  echo "$LAUNCHED" >"$run/containerd.pid"
  LAUNCHED_PIDS[$n-containerd]=$LAUNCHED
  STARTED+=("$n-containerd")
}

wait_containerd() {
  local n=$1 deadline
  deadline=$((SECONDS + CONTAINERD_START_TIMEOUT))
  while ! containerd_up "$n"; do
    if ! daemon_running "$n" containerd || ((SECONDS >= deadline)); then
      tail_log "$(node_ctrd_log "$n")"
      die "containerd of $n did not come up within ${CONTAINERD_START_TIMEOUT}s$(daemon_running "$n" containerd || echo ' (it exited)')." \
        "Log: $(node_ctrd_log "$n"). Fix the cause, then run: $LAB_CMD down && $LAB_CMD up"
    fi
    sleep 0.3
  done
}


start_dockerd() {
  local n=$1 run
  run=$(node_run "$n")
  engine_up "$n" && return 0
  daemon_pid "$n" dockerd >/dev/null && return 0 # starting; wait_dockerd decides
  # A pid file naming a live, unrelated process would make dockerd refuse to start.
  rm -f "$run/docker.pid"
  local tls=()
  [[ $n == node1 ]] && mapfile -t tls < <(tls_engine_args)
  launch "$n" "$(node_log "$n")" dockerd \
    --config-file "$run/daemon.json" \
    --data-root "$DATA_BASE/$n" \
    --exec-root "$run/exec" \
    --pidfile "$run/docker.pid" \
    -H "unix://$(node_sock "$n")" "${tls[@]}" \
    --containerd "$(node_ctrd_sock "$n")" \
    --bridge none --iptables=false --ip6tables=false \
    --exec-opt native.cgroupdriver=cgroupfs \
    --cgroup-parent "/spglab-$n" \
    --shutdown-timeout 10 \
    --label "lab.node=$n"
  LAUNCHED_PIDS[$n-dockerd]=$LAUNCHED
  STARTED+=("$n-dockerd")
}


wait_dockerd() {
  local n=$1 deadline
  deadline=$((SECONDS + ENGINE_START_TIMEOUT))
  while ! engine_up "$n"; do
    if ! daemon_running "$n" dockerd; then
      tail_log "$(node_log "$n")"
      die "dockerd of $n exited during start-up." \
        "Log: $(node_log "$n"). Fix the cause, then run: $LAB_CMD down && $LAB_CMD up"
    fi
    if ((SECONDS >= deadline)); then
      tail_log "$(node_log "$n")"
      die "dockerd of $n did not answer 'docker -H unix://$(node_sock "$n") info' within ${ENGINE_START_TIMEOUT}s." \
        "Log: $(node_log "$n"). Fix the cause, then run: $LAB_CMD down && $LAB_CMD up"
    fi
    sleep 0.5
  done
}

# Daemons left running in a namespace that has since been removed and made again serve nobody: stop them.
stop_orphaned_daemons() {
  local n d pid
  for n in "${NODES[@]}"; do
    for d in dockerd containerd; do
      pid=$(daemon_pid "$n" "$d") || continue
      in_node_netns "$n" "$pid" && continue
      warn "$n: $d (pid $pid) runs in a namespace that no longer exists; stopping it"
      stop_pids "$ENGINE_STOP_TIMEOUT" "$pid"
    done
  done
}

ensure_engines() {
  local n
  STARTED=()
  if [[ ! -d /run/containerd ]]; then
    # containerd's shims put their sockets under /run/containerd/s; remember that we created it.
    [[ -f $RUN_BASE/created-run-containerd ]] || : >"$RUN_BASE/created-run-containerd"
  fi
  if [[ ! -d /run/docker ]]; then
    # dockerd creates /run/docker/plugins (plugin discovery, shared by all engines).
    [[ -f $RUN_BASE/created-run-docker ]] || : >"$RUN_BASE/created-run-docker"
  fi
  for n in "${NODES[@]}"; do
    write_node_config "$n"
    ensure_uts "$n"
  done
  ensure_tls
  stop_orphaned_daemons
  if engine_up node1 && ! tls_up; then
    # An engine started by an older lab.sh, without the TLS endpoint (or with certificates since made again).
    step "Restarting node1's engine with its TLS endpoint $(tls_endpoint)"
    stop_daemon dockerd "$ENGINE_STOP_TIMEOUT" node1
    step_done
  fi
  local all_up=1
  for n in "${NODES[@]}"; do containerd_up "$n" && engine_up "$n" || all_up=0; done
  ((all_up)) && return 0
  step "Starting engines (containerd + dockerd per node)"
  for n in "${NODES[@]}"; do containerd_up "$n" || start_containerd "$n"; done
  for n in "${NODES[@]}"; do wait_containerd "$n"; done
  for n in "${NODES[@]}"; do start_dockerd "$n"; done
  for n in "${NODES[@]}"; do wait_dockerd "$n"; done
  # dockerd serves its unix socket first and its TCP endpoint a moment later: wait for that too.
  wait_until "$ENGINE_START_TIMEOUT" tls_up || die "node1's engine does not answer on $(tls_endpoint) with the lab's client certificate." \
    "Log: $(node_log node1). Fix the cause, then run: $LAB_CMD down && $LAB_CMD up"
  step_done "started: ${STARTED[*]:-nothing new}"
}

# ---------------------------------------------------------------- down

# stop_daemon containerd|dockerd TIMEOUT NODE... — by pid file: TERM, bounded wait, then KILL.
stop_daemon() {
  local d=$1 timeout=$2 n pid pids=()
  shift 2
  for n in "$@"; do
    pid=$(daemon_pid "$n" "$d") && pids+=("$pid")
  done
  stop_pids "$timeout" "${pids[@]}"
}

# The containers' processes: everything in the cgroups dockerd put them in (--cgroup-parent /spglab-NODE).
kill_cgroup_tree() {
  local n=$1 d pids
  shopt -s nullglob
  for d in /sys/fs/cgroup/*/"spglab-$n" /sys/fs/cgroup/"spglab-$n"; do
    [[ -d $d ]] || continue
    pids=$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u | tr '\n' ' ')
    # shellcheck disable=SC2086 # word splitting of the PID list is intended
    if [[ -n ${pids// /} ]]; then kill -KILL $pids 2>/dev/null || true; fi
  done
  sleep 0.2
  for d in /sys/fs/cgroup/*/"spglab-$n" /sys/fs/cgroup/"spglab-$n"; do
    if [[ -d $d ]]; then find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; fi
  done
  shopt -u nullglob
}

# Each task's bundle in containerd's state names its container's pid (init.pid) and its shim's socket (address). The
# container's parent is its shim.
task_files() {
  shopt -s nullglob
  local files=("$(node_run "$1")"/containerd/io.containerd.runtime.v2.task/*/*/"$2")
  shopt -u nullglob
  ((${#files[@]} == 0)) || printf '%s\n' "${files[@]}"
}

kill_tasks() {
  local f pid shim exe
  while read -r f; do
    pid=$(cat "$f" 2>/dev/null) || continue
    if ! [[ $pid =~ ^[0-9]+$ ]] || ! pid_alive "$pid"; then continue; fi
    shim=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || shim=""
    exe=$(readlink "/proc/$shim/exe" 2>/dev/null) || exe=""
    kill -KILL "$pid" 2>/dev/null || true
    if [[ ${exe##*/} == containerd-shim* ]]; then kill -KILL "$shim" 2>/dev/null || true; fi
  done < <(task_files "$1" init.pid)
}

remove_shim_sockets() {
  local f address
  while read -r f; do
    address=$(cat "$f" 2>/dev/null) || continue
    address=${address#unix://}
    if [[ $address == /run/containerd/s/* ]]; then rm -f "$address"; fi
  done < <(task_files "$1" address)
}

# After the daemons: what is left of each node (containers and their shims, anything else in its namespace or its
# containers' cgroups), its mounts, and the shared directories the lab created.
kill_leftovers() {
  local n p
  for n in "${NODES[@]}"; do
    kill_tasks "$n"
    kill_cgroup_tree "$n"
    if [[ -e /var/run/netns/$(node_ns "$n") ]]; then
      for p in $(ip netns pids "$(node_ns "$n")" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
    fi
    remove_shim_sockets "$n"
  done
  # Mounts (overlay layers, container netns, shm, the UTS namespace files).
  unmount_under "$RUN_BASE"
  unmount_under "$DATA_BASE"
  if [[ -f $RUN_BASE/created-run-containerd && -d /run/containerd ]]; then
    rmdir /run/containerd/s 2>/dev/null || true
    rmdir /run/containerd 2>/dev/null || true
  fi
  if [[ -f $RUN_BASE/created-run-docker && -d /run/docker ]]; then
    rmdir /run/docker/plugins 2>/dev/null || true
    rmdir /run/docker 2>/dev/null || true
  fi
}
