#!/usr/bin/env bash
# lab.sh — a local three-node Docker Swarm on one Debian machine.
#
#   lab.sh up              create (or complete) the lab; idempotent
#   lab.sh down [--purge]  remove everything the lab created (--purge: also the image cache)
#   lab.sh status          print what is up; exit 0 when the lab is fully up, 3 otherwise
#
# Each node is a network namespace (spglab-node1..3) on the host bridge spglab0
# (192.168.77.0/24) with its own UTS namespace (so each engine has its own hostname),
# its own containerd and its own dockerd. See build/lab/README.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT
readonly LAB_DIR="$REPO_ROOT/.lab"

readonly BRIDGE=spglab0
readonly NET_PREFIX=192.168.77
readonly BRIDGE_CIDR="$NET_PREFIX.1/24"
readonly NODES=(node1 node2 node3)
readonly DATA_BASE=/var/lib/swarm-pg-lab
readonly RUN_BASE=/run/swarm-pg-lab
readonly LOG_BASE=/var/log/swarm-pg-lab
readonly CACHE_DIR=/var/cache/swarm-pg-lab
readonly IMAGE=swarm-pg/postgres:15-lab
readonly ROOTFS_TAR="$CACHE_DIR/postgres-15-rootfs.tar"
readonly PACKAGES=(docker.io debootstrap iproute2 iptables util-linux openssl)
# The FORWARD rule carries a comment so that `down` removes exactly the rule `up` added.
readonly FWD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment swarm-pg-lab -j ACCEPT)
# node1's engine also listens here with --tlsverify, as a remote manager does (README: "The manager's TLS endpoint").
readonly TLS_PORT=2376
readonly TLS_DIR="$DATA_BASE/tls"
readonly CLIENT_TLS_DIR="$LAB_DIR/tls"

# Bounds (seconds) for every wait and every engine call.
readonly CONTAINERD_START_TIMEOUT=30
readonly ENGINE_START_TIMEOUT=90
readonly ENGINE_STOP_TIMEOUT=40
readonly NODE_READY_TIMEOUT=60
readonly DOCKER_CALL_TIMEOUT=60
readonly IMPORT_TIMEOUT=600
readonly DEBOOTSTRAP_TIMEOUT=1800

# ---------------------------------------------------------------- helpers

log() { printf '%s\n' "$*"; }
warn() { printf 'lab: warning: %s\n' "$*" >&2; }
die() {
  printf 'lab: error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
STEP_T0=0
step() {
  STEP_T0=$(now_ms)
  log "==> $*"
}
step_done() {
  local ms=$(($(now_ms) - STEP_T0))
  log "    done in $((ms / 1000)).$(((ms % 1000) / 100))s${1:+ ($1)}"
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
node_purpose() { if [[ $1 == node1 ]]; then echo master; else echo worker; fi; }

# dk NODE ARGS... — the docker CLI against one node's engine, bounded.
dk() {
  local n=$1
  shift
  timeout "$DOCKER_CALL_TIMEOUT" docker -H "unix://$(node_sock "$n")" "$@"
}

# ctr blocks until its timeout when the socket is missing: test the socket first.
containerd_up() { [[ -S $(node_ctrd_sock "$1") ]] && timeout 5 ctr --connect-timeout 2s --address "$(node_ctrd_sock "$1")" version >/dev/null 2>&1; }
engine_up() { [[ -S $(node_sock "$1") ]] && timeout 5 docker -H "unix://$(node_sock "$1")" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
tls_endpoint() { echo "tcp://$(node_addr node1):$TLS_PORT"; }
tls_up() {
  [[ -s $CLIENT_TLS_DIR/cert.pem ]] && timeout 5 docker --tlsverify --tlscacert "$CLIENT_TLS_DIR/ca.pem" --tlscert "$CLIENT_TLS_DIR/cert.pem" \
    --tlskey "$CLIENT_TLS_DIR/key.pem" -H "$(tls_endpoint)" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# PIDs whose command line contains the given string (excluding this shell).
pids_matching() {
  local needle=$1 f pid cmd
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    [[ $cmd == *"$needle"* ]] && echo "$pid"
  done
  return 0
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

tail_log() {
  local f=$1
  if [[ -f $f ]]; then
    printf '  --- last 20 lines of %s ---\n' "$f" >&2
    tail -n 20 "$f" | sed 's/^/  | /' >&2
  fi
}

require_root_debian() {
  if [[ $EUID -ne 0 ]]; then
    die "the lab needs root." \
      "It creates a bridge, network namespaces, an iptables rule and runs three dockerd instances." \
      "Run: sudo $0 ${CMD:-up}"
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    die "the lab needs a Debian-like system (apt-get and dpkg-query were not found)." \
      "It installs: ${PACKAGES[*]} and builds its image with debootstrap from a Debian mirror." \
      "Use Debian 12 (bookworm) or a derivative."
  fi
}

# Serialise concurrent runs of up/down/status on this machine.
# The lock is fd 9; daemons are started with 9<&- so that they do not inherit it.
take_lock() {
  exec 9<"$SCRIPT_DIR/lab.sh"
  if ! flock -w 900 9; then
    die "another lab.sh is running and did not finish within 900s."
  fi
}

# ---------------------------------------------------------------- up: packages

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  step "Installing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -q >/tmp/swarm-pg-lab-apt.log 2>&1; then
    tail_log /tmp/swarm-pg-lab-apt.log
    die "apt-get update failed." "Check the machine's apt sources and network access to the Debian mirror."
  fi
  if ! apt-get install -y -q "${missing[@]}" >>/tmp/swarm-pg-lab-apt.log 2>&1; then
    tail_log /tmp/swarm-pg-lab-apt.log
    die "apt-get install ${missing[*]} failed." "See /tmp/swarm-pg-lab-apt.log."
  fi
  rm -f /tmp/swarm-pg-lab-apt.log
  step_done
}

check_tools() {
  local t
  for t in ip iptables nsenter unshare setsid flock dockerd containerd ctr docker debootstrap tar sha256sum chroot timeout openssl; do
    command -v "$t" >/dev/null 2>&1 || die "required command '$t' not found even after installing ${PACKAGES[*]}."
  done
}

# ---------------------------------------------------------------- up: network

ensure_network() {
  local changed=0 n ns veth addr
  STEP_T0=$(now_ms)
  mkdir -p "$RUN_BASE"
  if ! ip link show dev "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    changed=1
  fi
  if ! ip -4 -o addr show dev "$BRIDGE" | grep -qF " $BRIDGE_CIDR "; then
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
    changed=1
  fi
  if ! ip -o link show dev "$BRIDGE" | grep -q '[<,]UP[,>]'; then
    ip link set "$BRIDGE" up
    changed=1
  fi
  if ! iptables -C "${FWD_RULE[@]}" 2>/dev/null; then
    iptables -I "${FWD_RULE[@]}"
    changed=1
  fi
  if [[ ! -d /var/run/netns ]]; then
    : >"$RUN_BASE/created-netns-dir"
  fi
  for n in "${NODES[@]}"; do
    ns=$(node_ns "$n")
    veth=$(node_veth "$n")
    addr=$(node_addr "$n")
    if [[ ! -e /var/run/netns/$ns ]]; then
      ip netns add "$ns"
      changed=1
    fi
    if ! ip link show dev "$veth" >/dev/null 2>&1; then
      # A stale peer (eth0 inside the namespace) would block the creation.
      ip -n "$ns" link del eth0 2>/dev/null || true
      ip link add "$veth" type veth peer name eth0 netns "$ns"
      changed=1
    fi
    if ! ip -o link show dev "$veth" | grep -q "master $BRIDGE "; then
      ip link set "$veth" master "$BRIDGE"
      changed=1
    fi
    if ! ip -o link show dev "$veth" | grep -q '[<,]UP[,>]'; then
      ip link set "$veth" up
      changed=1
    fi
    if ! ip -n "$ns" -4 -o addr show dev eth0 | grep -qF " $addr/24 "; then
      ip -n "$ns" addr add "$addr/24" dev eth0
      changed=1
    fi
    if ! ip -n "$ns" -o link show dev eth0 | grep -q '[<,]UP[,>]'; then
      ip -n "$ns" link set eth0 up
      changed=1
    fi
    if ! ip -n "$ns" -o link show dev lo | grep -q '[<,]UP[,>]'; then
      ip -n "$ns" link set lo up
      changed=1
    fi
  done
  if ((changed)); then
    log "==> Network: bridge $BRIDGE $BRIDGE_CIDR, namespaces spglab-node1..3, FORWARD rule"
    step_done "created or completed"
  fi
}

# ---------------------------------------------------------------- up: engines

write_node_config() {
  local n=$1 run data
  run=$(node_run "$n")
  data="$DATA_BASE/$n"
  mkdir -p "$run/exec" "$run/containerd" "$data/containerd/daemon" "$data/containerd/opt" "$LOG_BASE"
  cat >"$run/containerd.toml" <<EOF
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
EOF
  # The engine's identity key would otherwise be shared: /etc/docker/key.json.
  printf '{"deprecated-key-path": "%s"}\n' "$data/key.json" >"$run/daemon.json"
}

# The README's recipe for a manager's TLS endpoint, with 2048-bit keys: a lab CA signs node1's server certificate and
# one client certificate. Clients find ca.pem, cert.pem and key.pem in .lab/tls (what DOCKER_CERT_PATH names).
ensure_tls() {
  local addr
  addr=$(node_addr node1)
  mkdir -p "$TLS_DIR" "$CLIENT_TLS_DIR"
  if [[ ! -s $TLS_DIR/server-cert.pem ]]; then
    if ! (cd "$TLS_DIR" && umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=swarm-pg-lab CA" \
      -keyout ca-key.pem -out ca.pem >/dev/null 2>&1) ||
      ! sign_with_lab_ca "/CN=$addr" "subjectAltName=IP:$addr"$'\n'"extendedKeyUsage=serverAuth" "$TLS_DIR/server-key.pem" "$TLS_DIR/server-cert.pem"; then
      die "could not create the lab's TLS certificates in $TLS_DIR (openssl failed)."
    fi
    rm -f "$CLIENT_TLS_DIR"/*.pem
  fi
  if [[ ! -s $CLIENT_TLS_DIR/cert.pem ]]; then
    if ! sign_with_lab_ca "/CN=swarm-pg-lab client" "extendedKeyUsage=clientAuth" "$CLIENT_TLS_DIR/key.pem" "$CLIENT_TLS_DIR/cert.pem" ||
      ! cp "$TLS_DIR/ca.pem" "$CLIENT_TLS_DIR/ca.pem"; then
      die "could not create the lab's TLS client certificate in $CLIENT_TLS_DIR (openssl failed)."
    fi
  fi
}

# sign_with_lab_ca SUBJECT EXTENSIONS KEY_FILE CERT_FILE — a new key and a certificate for it, signed by the lab CA.
sign_with_lab_ca() {
  (
    cd "$TLS_DIR" && umask 077
    openssl req -newkey rsa:2048 -nodes -subj "$1" -keyout "$3" -out request.csr &&
      openssl x509 -req -days 825 -in request.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "$4" -extfile <(printf '%s\n' "$2")
  ) >/dev/null 2>&1
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

start_containerd() {
  local n=$1 run
  run=$(node_run "$n")
  if [[ -S $(node_ctrd_sock "$n") ]] && [[ -n $(pids_matching "containerd --config $run/containerd.toml") ]]; then
    return 0
  fi
  printf '\n=== %s starting containerd for %s\n' "$(date -Is)" "$n" >>"$(node_ctrd_log "$n")"
  setsid nsenter --net="/var/run/netns/$(node_ns "$n")" --uts="$run/uts" -- \
    containerd --config "$run/containerd.toml" \
    </dev/null >>"$(node_ctrd_log "$n")" 2>&1 9<&- &
  echo "$!" >"$run/containerd.pid"
  STARTED+=("$n-containerd")
}

wait_containerd() {
  local n=$1 deadline pid
  deadline=$((SECONDS + CONTAINERD_START_TIMEOUT))
  while ! containerd_up "$n"; do
    pid=$(pids_matching "containerd --config $(node_run "$n")/containerd.toml" | head -n1)
    if [[ -z $pid ]] || ((SECONDS >= deadline)); then
      tail_log "$(node_ctrd_log "$n")"
      die "containerd of $n did not come up within ${CONTAINERD_START_TIMEOUT}s${pid:- (it exited)}." \
        "Log: $(node_ctrd_log "$n"). Fix the cause, then run: $0 down && $0 up"
    fi
    sleep 0.3
  done
}

start_dockerd() {
  local n=$1 run pid
  run=$(node_run "$n")
  if engine_up "$n"; then
    return 0
  fi
  if [[ -n $(pids_matching "$(node_sock "$n")") ]]; then
    return 0 # starting; wait_dockerd decides
  fi
  # A pidfile naming a live, unrelated process would make dockerd refuse to start.
  if [[ -f $run/docker.pid ]]; then
    pid=$(cat "$run/docker.pid" 2>/dev/null || true)
    if ! pid_alive "$pid" || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(node_sock "$n")"; then
      rm -f "$run/docker.pid"
    fi
  fi
  local tls=()
  if [[ $n == node1 ]]; then
    tls=(-H "$(tls_endpoint)" --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/server-cert.pem" --tlskey "$TLS_DIR/server-key.pem")
  fi
  printf '\n=== %s starting dockerd for %s\n' "$(date -Is)" "$n" >>"$(node_log "$n")"
  setsid nsenter --net="/var/run/netns/$(node_ns "$n")" --uts="$run/uts" -- \
    dockerd \
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
    --label "lab.node=$n" \
    </dev/null >>"$(node_log "$n")" 2>&1 9<&- &
  STARTED+=("$n-dockerd")
}

wait_dockerd() {
  local n=$1 deadline
  deadline=$((SECONDS + ENGINE_START_TIMEOUT))
  while ! engine_up "$n"; do
    if [[ -z $(pids_matching "$(node_sock "$n")") ]]; then
      tail_log "$(node_log "$n")"
      die "dockerd of $n exited during start-up." \
        "Log: $(node_log "$n"). Fix the cause, then run: $0 down && $0 up"
    fi
    if ((SECONDS >= deadline)); then
      tail_log "$(node_log "$n")"
      die "dockerd of $n did not answer 'docker -H unix://$(node_sock "$n") info' within ${ENGINE_START_TIMEOUT}s." \
        "Log: $(node_log "$n"). Fix the cause, then run: $0 down && $0 up"
    fi
    sleep 0.5
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
  if engine_up node1 && ! tls_up; then
    # An engine started by an older lab.sh, without the TLS endpoint (or with certificates since removed).
    step "Restarting node1's engine with its TLS endpoint $(tls_endpoint)"
    # shellcheck disable=SC2046 # one PID per word
    stop_pids "$ENGINE_STOP_TIMEOUT" $(pids_matching "$(node_sock node1)")
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
  tls_up || die "node1's engine does not answer on $(tls_endpoint) with the lab's client certificate." \
    "Log: $(node_log node1). Fix the cause, then run: $0 down && $0 up"
  step_done "started: ${STARTED[*]:-nothing new}"
}

# ---------------------------------------------------------------- up: swarm

node_id() { dk "$1" info --format '{{.Swarm.NodeID}}'; }
swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}'; }

ensure_swarm() {
  local t0 changed=() state token n id ids=() mgr_ids remote deadline ready l want have
  t0=$(now_ms)
  STEP_T0=$t0
  state=$(swarm_state node1)
  if [[ $state != active ]] || [[ $(dk node1 info --format '{{.Swarm.ControlAvailable}}') != true ]]; then
    [[ $state == inactive ]] || dk node1 swarm leave --force >/dev/null 2>&1 || true
    log "==> Swarm: init on node1 ($(node_addr node1))"
    dk node1 swarm init --advertise-addr "$(node_addr node1)" --listen-addr "$(node_addr node1):2377" >/dev/null
    changed+=(init)
  fi
  mgr_ids=" $(dk node1 node ls -q | tr '\n' ' ') "
  for n in "${NODES[@]:1}"; do
    state=$(swarm_state "$n")
    if [[ $state == active ]]; then
      id=$(node_id "$n")
      remote=$(dk "$n" info --format '{{range .Swarm.RemoteManagers}}{{.Addr}} {{end}}')
      if [[ $mgr_ids == *" $id "* && $remote == *"$(node_addr node1):2377"* ]]; then
        continue
      fi
      warn "$n belongs to another swarm; leaving it"
    fi
    [[ $state == inactive ]] || dk "$n" swarm leave --force >/dev/null 2>&1 || true
    if [[ -z ${token:-} ]]; then token=$(dk node1 swarm join-token -q worker); fi
    log "==> Swarm: $n joins as worker ($(node_addr "$n"))"
    dk "$n" swarm join --token "$token" --advertise-addr "$(node_addr "$n")" \
      --listen-addr "$(node_addr "$n"):2377" "$(node_addr node1):2377" >/dev/null
    changed+=("join-$n")
  done
  for n in "${NODES[@]}"; do ids+=("$(node_id "$n")"); done
  # Wait (bounded) until the manager sees all three nodes ready.
  deadline=$((SECONDS + NODE_READY_TIMEOUT))
  while :; do
    ready=0
    for id in "${ids[@]}"; do
      [[ $(dk node1 node inspect "$id" --format '{{.Status.State}}' 2>/dev/null) == ready ]] && ready=$((ready + 1))
    done
    ((ready == ${#ids[@]})) && break
    if ((SECONDS >= deadline)); then
      dk node1 node ls >&2 || true
      die "only $ready of ${#ids[@]} swarm nodes became ready within ${NODE_READY_TIMEOUT}s." \
        "Check the engine logs in $LOG_BASE and the FORWARD rule (iptables -S FORWARD); then: $0 down && $0 up"
    fi
    sleep 0.5
  done
  # Nodes left over from an earlier swarm incarnation (down, not ours): remove them.
  while read -r id l; do
    [[ -z $id ]] && continue
    if [[ " ${ids[*]} " != *" $id "* && $l == down ]]; then
      dk node1 node rm --force "$id" >/dev/null && changed+=("rm-stale-$id")
    fi
  done < <(dk node1 node ls --format '{{.ID}} {{.Status}}' | tr '[:upper:]' '[:lower:]')
  # Labels.
  local i=0
  for n in "${NODES[@]}"; do
    id=${ids[$i]}
    i=$((i + 1))
    want="$(node_purpose "$n")|$n"
    have=$(dk node1 node inspect "$id" --format '{{index .Spec.Labels "purpose"}}|{{index .Spec.Labels "lab.node"}}')
    if [[ $have != "$want" ]]; then
      dk node1 node update --label-add "purpose=$(node_purpose "$n")" --label-add "lab.node=$n" "$id" >/dev/null
      changed+=("labels-$n")
    fi
  done
  if ((${#changed[@]} > 0)); then
    step_done "swarm: ${changed[*]}"
  fi
  NODE_IDS=("${ids[@]}")
}

# ---------------------------------------------------------------- up: image

debian_mirror() {
  local m=""
  if [[ -n ${LAB_DEBIAN_MIRROR:-} ]]; then
    echo "$LAB_DEBIAN_MIRROR"
    return 0
  fi
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    # First URI of a stanza whose suites include bookworm (not -security).
    m=$(awk '
      /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } uri=""; suites=""; next }
      /^URIs:/ { uri=$2 }
      /^Suites:/ { $1=""; suites=$0" " }
      END { if (uri != "" && suites ~ /(^| )bookworm( |$)/) print uri }
    ' /etc/apt/sources.list.d/debian.sources | head -n1)
  fi
  if [[ -z $m && -f /etc/apt/sources.list ]]; then
    m=$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list | head -n1)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

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
}

BUILD_DIR=""
cleanup_build_dir() {
  if [[ -n $BUILD_DIR && -d $BUILD_DIR ]]; then
    unmount_under "$BUILD_DIR"
    rm -rf --one-file-system "$BUILD_DIR"
  fi
  rm -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR.sha256.tmp"
}

ensure_rootfs() {
  if [[ -f $ROOTFS_TAR && -s $ROOTFS_TAR.sha256 ]]; then
    return 0
  fi
  local mirror r
  mirror=$(debian_mirror)
  mkdir -p "$CACHE_DIR" "$LOG_BASE"
  step "Building the PostgreSQL 15 root filesystem with debootstrap (bookworm, $mirror)"
  BUILD_DIR=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
  trap cleanup_build_dir EXIT
  if ! timeout "$DEBOOTSTRAP_TIMEOUT" debootstrap --variant=minbase --include=postgresql-15,util-linux \
    bookworm "$BUILD_DIR" "$mirror" >"$LOG_BASE/debootstrap.log" 2>&1; then
    tail_log "$LOG_BASE/debootstrap.log"
    die "debootstrap failed (mirror $mirror)." \
      "Is the mirror reachable? Override it with LAB_DEBIAN_MIRROR=http://.../debian $0 up"
  fi
  r=$BUILD_DIR
  # A clean image: no cluster created by the Debian packaging, no apt caches.
  rm -rf "$r/var/lib/postgresql/15/main" "$r/etc/postgresql/15/main"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/var/log/*.log "$r/var/log/apt"
  # Same layout as the official postgres:15 image.
  mkdir -p "$r/run/postgresql" "$r/var/lib/postgresql/data"
  chroot "$r" chown postgres:postgres /run/postgresql /var/lib/postgresql/data
  chmod 3777 "$r/run/postgresql"
  chmod 0700 "$r/var/lib/postgresql/data"
  local f
  for f in usr/lib/postgresql/15/bin/postgres usr/lib/postgresql/15/bin/initdb usr/lib/postgresql/15/bin/pg_ctl \
    usr/lib/postgresql/15/bin/pg_basebackup usr/bin/setpriv usr/sbin/runuser; do
    [[ -x $r/$f ]] || die "the built root filesystem lacks /$f." "Remove $CACHE_DIR and retry."
  done
  [[ -L $r/var/run || -d $r/var/run/postgresql ]] || die "the built root filesystem lacks /var/run/postgresql."
  unmount_under "$r"
  tar -C "$r" --numeric-owner -cf "$ROOTFS_TAR.tmp" .
  sha256sum "$ROOTFS_TAR.tmp" | cut -d' ' -f1 >"$ROOTFS_TAR.sha256.tmp"
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  mv "$ROOTFS_TAR.sha256.tmp" "$ROOTFS_TAR.sha256"
  cleanup_build_dir
  BUILD_DIR=""
  trap - EXIT
  step_done "$(du -m "$ROOTFS_TAR" | cut -f1) MB, cached at $ROOTFS_TAR"
}

image_layer() { dk "$1" image inspect "$IMAGE" --format '{{index .RootFS.Layers 0}}' 2>/dev/null || true; }

import_image() {
  local n=$1 sha=$2
  timeout "$IMPORT_TIMEOUT" docker -H "unix://$(node_sock "$n")" import \
    -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'ENV LANG=C.UTF-8' \
    -c 'EXPOSE 5432' \
    -c "LABEL org.swarm-pg.lab.rootfs=sha256:$sha" \
    - "$IMAGE" <"$ROOTFS_TAR" >/dev/null
}

ensure_image() {
  ensure_rootfs
  local sha n todo=() pids=() i rc=0
  sha=$(cat "$ROOTFS_TAR.sha256")
  IMAGE_CONTENT_ID="sha256:$sha"
  for n in "${NODES[@]}"; do
    [[ $(image_layer "$n") == "sha256:$sha" ]] || todo+=("$n")
  done
  ((${#todo[@]} == 0)) && return 0
  step "Importing $IMAGE into ${todo[*]}"
  for n in "${todo[@]}"; do
    import_image "$n" "$sha" 2>"$(node_run "$n")/import.err" &
    pids+=("$!")
  done
  for i in "${!todo[@]}"; do
    if ! wait "${pids[$i]}"; then
      rc=1
      warn "import into ${todo[$i]} failed: $(tail -n 3 "$(node_run "${todo[$i]}")/import.err")"
    fi
  done
  ((rc == 0)) || die "docker import failed." "If the cached tarball is damaged: $0 down --purge && $0 up"
  for n in "${todo[@]}"; do
    rm -f "$(node_run "$n")/import.err"
    [[ $(image_layer "$n") == "sha256:$sha" ]] ||
      die "the image on $n does not have the expected content id sha256:$sha (got '$(image_layer "$n")')."
  done
  step_done
}

# ---------------------------------------------------------------- up: lab.json

write_lab_files() {
  local json env n i=0 id hostname role labels imgid sep=""
  json="{\"endpoint\":\"unix://$(node_sock node1)\",\"tlsEndpoint\":\"$(tls_endpoint)\",\"tlsCertPath\":\"$CLIENT_TLS_DIR\",\"image\":\"$IMAGE\",\"imageContentId\":\"$IMAGE_CONTENT_ID\",\"nodes\":["
  env="DOCKER_HOST=unix://$(node_sock node1)"$'\n'"LAB_IMAGE=$IMAGE"$'\n'
  env+="LAB_DOCKER_TLS_HOST=$(tls_endpoint)"$'\n'"LAB_DOCKER_CERT_PATH=$CLIENT_TLS_DIR"$'\n'
  SUMMARY=()
  for n in "${NODES[@]}"; do
    id=${NODE_IDS[$i]}
    i=$((i + 1))
    IFS='|' read -r hostname role labels < <(dk node1 node inspect "$id" --format '{{.Description.Hostname}}|{{.Spec.Role}}|{{json .Spec.Labels}}')
    imgid=$(dk "$n" image inspect "$IMAGE" --format '{{.Id}}')
    json+="$sep{\"name\":\"$n\",\"hostname\":\"$hostname\",\"id\":\"$id\",\"address\":\"$(node_addr "$n")\","
    json+="\"socket\":\"unix://$(node_sock "$n")\",\"role\":\"$role\",\"labels\":$labels,\"imageId\":\"$imgid\"}"
    sep=","
    local upper=${n^^}
    env+="LAB_${upper}=$(node_addr "$n")"$'\n'"LAB_${upper}_SOCKET=unix://$(node_sock "$n")"$'\n'
    SUMMARY+=("$(printf '  %-6s %-14s %-8s %-14s %s' "$n" "$(node_addr "$n")" "$role" "$hostname" "$labels")")
  done
  json+="]}"
  mkdir -p "$LAB_DIR"
  if [[ ! -f $LAB_DIR/lab.json ]] || [[ $(cat "$LAB_DIR/lab.json") != "$json" ]]; then
    printf '%s\n' "$json" >"$LAB_DIR/lab.json.tmp" && mv "$LAB_DIR/lab.json.tmp" "$LAB_DIR/lab.json"
  fi
  if [[ ! -f $LAB_DIR/lab.env ]] || [[ "$(cat "$LAB_DIR/lab.env")"$'\n' != "$env" ]]; then
    printf '%s' "$env" >"$LAB_DIR/lab.env.tmp" && mv "$LAB_DIR/lab.env.tmp" "$LAB_DIR/lab.env"
  fi
}

cmd_up() {
  local t0
  t0=$(now_ms)
  require_root_debian
  take_lock
  ensure_packages
  check_tools
  ensure_network
  ensure_engines
  ensure_swarm
  ensure_image
  write_lab_files
  local ms=$(($(now_ms) - t0))
  log "Lab is up ($((ms / 1000)).$(((ms % 1000) / 100))s)."
  log "  endpoint: unix://$(node_sock node1)   (export DOCKER_HOST, or: set -a; . $LAB_DIR/lab.env)"
  log "  TLS:      $(tls_endpoint)   (DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$CLIENT_TLS_DIR)"
  log "  image:    $IMAGE ($IMAGE_CONTENT_ID)"
  log "  files:    $LAB_DIR/lab.json, $LAB_DIR/lab.env"
  printf '%s\n' "${SUMMARY[@]}"
}

# ---------------------------------------------------------------- down

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

# Shim sockets live in /run/containerd/s/<sha256(containerd address/namespace/id)>.
remove_shim_sockets() {
  local n=$1 addr dir ns id h
  addr=$(node_ctrd_sock "$n")
  dir="$(node_run "$n")/containerd/io.containerd.runtime.v2.task"
  [[ -d $dir ]] || return 0
  for ns in "$dir"/*/; do
    [[ -d $ns ]] || continue
    ns=$(basename "$ns")
    for id in "$dir/$ns"/*/; do
      [[ -d $id ]] || continue
      id=$(basename "$id")
      h=$(printf '%s' "$addr/$ns/$id" | sha256sum | cut -d' ' -f1)
      rm -f "/run/containerd/s/$h"
    done
  done
}

cmd_down() {
  local purge=$1 n pids shims child
  require_root_debian
  take_lock
  local phases="" pt
  pt=$(now_ms)
  phase() {
    local t
    t=$(now_ms)
    phases+="${phases:+, }$1 $(((t - pt) / 1000)).$((((t - pt) % 1000) / 100))s"
    pt=$t
  }
  step "Stopping the lab"
  # Leave the swarm (workers first) while the engines still answer.
  for n in node3 node2 node1; do
    if engine_up "$n" && [[ $(swarm_state "$n" 2>/dev/null) != inactive ]]; then
      dk "$n" swarm leave --force >/dev/null 2>&1 || warn "$n: swarm leave failed"
    fi
  done
  phase "swarm leave"
  # Stop the engines, then their containerd.
  pids=()
  for n in "${NODES[@]}"; do
    while read -r p; do [[ -n $p ]] && pids+=("$p"); done < <(pids_matching "$(node_sock "$n")")
  done
  stop_pids "$ENGINE_STOP_TIMEOUT" "${pids[@]}"
  phase dockerd
  pids=()
  for n in "${NODES[@]}"; do
    while read -r p; do [[ -n $p ]] && pids+=("$p"); done < <(pids_matching "containerd --config $(node_run "$n")/containerd.toml")
  done
  stop_pids 15 "${pids[@]}"
  phase containerd
  # Leftover shims and their containers.
  for n in "${NODES[@]}"; do
    shims=$(pids_matching "-address $(node_ctrd_sock "$n")" | tr '\n' ' ')
    for p in $shims; do
      for child in $(pgrep -P "$p" 2>/dev/null || true); do kill -KILL "$child" 2>/dev/null || true; done
      kill -KILL "$p" 2>/dev/null || true
    done
    kill_cgroup_tree "$n"
    if [[ -e /var/run/netns/$(node_ns "$n") ]]; then
      for p in $(ip netns pids "$(node_ns "$n")" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
    fi
    remove_shim_sockets "$n"
  done
  # Mounts (overlay layers, container netns, shm, the UTS namespace files).
  unmount_under "$RUN_BASE"
  unmount_under "$DATA_BASE"
  # Network.
  for n in "${NODES[@]}"; do
    [[ -e /var/run/netns/$(node_ns "$n") ]] && ip netns del "$(node_ns "$n")"
    ip link show dev "$(node_veth "$n")" >/dev/null 2>&1 && ip link del "$(node_veth "$n")"
  done
  ip link show dev "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  while iptables -C "${FWD_RULE[@]}" 2>/dev/null; do iptables -D "${FWD_RULE[@]}"; done
  if [[ -f $RUN_BASE/created-netns-dir && -d /var/run/netns ]] && [[ -z $(ls -A /var/run/netns) ]]; then
    umount /var/run/netns 2>/dev/null || true
    rmdir /var/run/netns 2>/dev/null || true
  fi
  if [[ -f $RUN_BASE/created-run-containerd && -d /run/containerd ]]; then
    rmdir /run/containerd/s 2>/dev/null || true
    rmdir /run/containerd 2>/dev/null || true
  fi
  if [[ -f $RUN_BASE/created-run-docker && -d /run/docker ]]; then
    rmdir /run/docker/plugins 2>/dev/null || true
    rmdir /run/docker 2>/dev/null || true
  fi
  # Files.
  rm -rf --one-file-system "$DATA_BASE" "$RUN_BASE" "$LOG_BASE" "$LAB_DIR"
  phase "clean-up"
  log "    ($phases)"
  if [[ $purge == 1 ]]; then
    rm -rf --one-file-system "$CACHE_DIR"
    step_done "everything removed, including the image cache $CACHE_DIR"
  else
    step_done "kept the image cache $ROOTFS_TAR (remove it with: $0 down --purge)"
  fi
}

# ---------------------------------------------------------------- status

cmd_status() {
  require_root_debian
  local ok=1 n ns addr line sha="" layer
  mark() { if [[ $1 == 1 ]]; then printf '  [up]   %s\n' "$2"; else printf '  [DOWN] %s\n' "$2"; ok=0; fi; }
  log "bridge / firewall:"
  if ip -4 -o addr show dev "$BRIDGE" 2>/dev/null | grep -qF " $BRIDGE_CIDR "; then mark 1 "bridge $BRIDGE $BRIDGE_CIDR"; else mark 0 "bridge $BRIDGE $BRIDGE_CIDR"; fi
  if iptables -C "${FWD_RULE[@]}" 2>/dev/null; then mark 1 "iptables FORWARD -i $BRIDGE -o $BRIDGE ACCEPT"; else mark 0 "iptables FORWARD -i $BRIDGE -o $BRIDGE ACCEPT"; fi
  log "nodes:"
  [[ -s $ROOTFS_TAR.sha256 ]] && sha=$(cat "$ROOTFS_TAR.sha256")
  for n in "${NODES[@]}"; do
    ns=$(node_ns "$n")
    addr=$(node_addr "$n")
    if [[ -e /var/run/netns/$ns ]] && ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | grep -qF " $addr/24 "; then
      mark 1 "$n namespace $ns $addr"
    else
      mark 0 "$n namespace $ns $addr"
    fi
    if containerd_up "$n"; then mark 1 "$n containerd unix://$(node_ctrd_sock "$n")"; else mark 0 "$n containerd unix://$(node_ctrd_sock "$n")"; fi
    if engine_up "$n"; then
      mark 1 "$n engine $(dk "$n" version --format '{{.Server.Version}}') unix://$(node_sock "$n") (hostname $(dk "$n" info --format '{{.Name}}'))"
      layer=$(image_layer "$n")
      if [[ -n $layer && ($sha == "" || $layer == "sha256:$sha") ]]; then
        mark 1 "$n image $IMAGE ($layer)"
      else
        mark 0 "$n image $IMAGE"
      fi
    else
      mark 0 "$n engine unix://$(node_sock "$n")"
      mark 0 "$n image $IMAGE (engine down)"
    fi
  done
  if tls_up; then mark 1 "node1 TLS endpoint $(tls_endpoint)"; else mark 0 "node1 TLS endpoint $(tls_endpoint)"; fi
  log "swarm:"
  if engine_up node1 && [[ $(dk node1 info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]]; then
    local count=0
    while IFS='|' read -r line; do
      [[ -z $line ]] && continue
      count=$((count + 1))
      if [[ $line == *"state=ready"* ]]; then mark 1 "$line"; else mark 0 "$line"; fi
    done < <(dk node1 node ls -q | xargs -r timeout "$DOCKER_CALL_TIMEOUT" docker -H "unix://$(node_sock node1)" node inspect \
      --format '{{.Description.Hostname}} id={{.ID}} role={{.Spec.Role}} state={{.Status.State}} addr={{.Status.Addr}} labels={{json .Spec.Labels}}')
    if ((count != ${#NODES[@]})); then mark 0 "swarm has $count nodes, expected ${#NODES[@]}"; fi
  else
    mark 0 "swarm manager on node1"
  fi
  log "files:"
  if [[ -f $LAB_DIR/lab.json ]]; then mark 1 "$LAB_DIR/lab.json"; else mark 0 "$LAB_DIR/lab.json"; fi
  if [[ -f $ROOTFS_TAR ]]; then log "  [info] image cache $ROOTFS_TAR present"; else log "  [info] no image cache (next up runs debootstrap)"; fi
  if ((ok)); then
    log "lab: fully up"
    return 0
  fi
  log "lab: not fully up (run: $0 up)"
  return 3
}

usage() {
  cat <<EOF
usage: $0 up | down [--purge] | status
  up              create or complete the three-node swarm lab (idempotent)
  down            remove everything the lab created; keeps the image cache $CACHE_DIR
  down --purge    also remove the image cache
  status          show what is up; exit 0 when fully up, 3 otherwise
EOF
}

main() {
  # Make INT/TERM run the EXIT trap (which removes a half-built root filesystem).
  trap 'exit 130' INT
  trap 'exit 143' TERM
  CMD=${1:-}
  case $CMD in
  up) cmd_up ;;
  down)
    case ${2:-} in
    "") cmd_down 0 ;;
    --purge) cmd_down 1 ;;
    *) usage >&2; exit 2 ;;
    esac
    ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
  esac
}

main "$@"
