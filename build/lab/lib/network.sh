# shellcheck shell=bash source-path=SCRIPTDIR
# The lab's network: bridge spglab0 (192.168.77.1/24), one namespace per node joined to it by a veth, one FORWARD rule.
[[ -n ${LAB_LIB_NETWORK:-} ]] && return 0
LAB_LIB_NETWORK=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The FORWARD rule carries a comment so that `down` removes exactly the rule `up` added.
readonly FWD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment swarm-pg-lab -j ACCEPT)

# Fixed MAC addresses (02:00 + the IPv4 address): a node's eth0 made again, or the bridge after its ports changed, keeps its
# MAC, so no neighbour table on the host or in a node holds a stale one. Otherwise the host would keep sending to a
# node's old MAC for up to a minute after a half-stopped lab is completed, and node1's TLS endpoint would not answer.
mac_of() {
  local octets
  IFS=. read -r -a octets <<<"$1"
  printf '02:00:%02x:%02x:%02x:%02x' "${octets[@]}"
}

link_exists() { ip link show dev "$1" >/dev/null 2>&1; }
link_is_up() { ip -o link show dev "$1" 2>/dev/null | grep -q '[<,]UP[,>]'; }
link_gone() { ! link_exists "$1"; }
netns_exists() { [[ -e /var/run/netns/$1 ]]; }
# A namespace file that is a namespace (not a file left behind by an interrupted `ip netns del`).
netns_usable() { netns_exists "$1" && ip -n "$1" link show dev lo >/dev/null 2>&1; }
bridge_ok() { ip -4 -o addr show dev "$BRIDGE" 2>/dev/null | grep -qF " $BRIDGE_CIDR "; }
fwd_rule_ok() { iptables -C "${FWD_RULE[@]}" 2>/dev/null; }
node_net_ok() { netns_exists "$(node_ns "$1")" && ip -n "$(node_ns "$1")" -4 -o addr show dev eth0 2>/dev/null | grep -qF " $(node_addr "$1")/24 "; }

# remove_link DEV — deletes a link and waits (bounded) until the kernel has removed it. A link that vanished
# meanwhile (a veth goes with its namespace, asynchronously) is fine. Fails only if it is still there at the bound.
remove_link() {
  link_exists "$1" || return 0
  ip link del dev "$1" 2>/dev/null || true
  wait_until "$LINK_GONE_TIMEOUT" link_gone "$1"
}

# remove_netns NS — also a namespace file that is no longer mounted.
remove_netns() {
  netns_exists "$1" || return 0
  ip netns del "$1" 2>/dev/null || true
  if netns_exists "$1"; then
    umount "/var/run/netns/$1" 2>/dev/null || umount -l "/var/run/netns/$1" 2>/dev/null || true
    rm -f "/var/run/netns/$1"
  fi
  ! netns_exists "$1"
}

ensure_network() {
  local changed=0 n ns veth addr
  STEP_T0=$(now_ms)
  mkdir -p "$RUN_BASE"
  if ! link_exists "$BRIDGE"; then
    ip link add "$BRIDGE" address "$(mac_of "${BRIDGE_CIDR%/*}")" type bridge
    changed=1
  fi
  if ! bridge_ok; then
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
    changed=1
  fi
  if ! link_is_up "$BRIDGE"; then
    ip link set "$BRIDGE" up
    changed=1
  fi
  if ! fwd_rule_ok; then
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
    if ! netns_usable "$ns"; then
      remove_netns "$ns" || die "could not remove the stale namespace file /var/run/netns/$ns."
      ip netns add "$ns"
      changed=1
    fi
    if ! link_exists "$veth" || ! ip -n "$ns" link show dev eth0 >/dev/null 2>&1; then
      # Half of a pair is left from a lab half stopped: a veth whose namespace is gone (the kernel removes it
      # asynchronously), or a peer without its veth. Remove what is left, then create the pair.
      ip -n "$ns" link del eth0 2>/dev/null || true
      remove_link "$veth" || die "the old $veth is still there ${LINK_GONE_TIMEOUT}s after its removal." "Run: $LAB_CMD down && $LAB_CMD up"
      ip link add "$veth" type veth peer name eth0 address "$(mac_of "$addr")" netns "$ns"
      changed=1
    fi
    if ! ip -o link show dev "$veth" | grep -q "master $BRIDGE "; then
      ip link set "$veth" master "$BRIDGE"
      changed=1
    fi
    if ! link_is_up "$veth"; then
      ip link set "$veth" up
      changed=1
    fi
    if ! node_net_ok "$n"; then
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

# network_down — removes veths, namespaces, bridge and rule; prints what it could not remove and then fails.
network_down() {
  local n left=()
  for n in "${NODES[@]}"; do
    # Deleting the veth removes its peer at once; deleting the namespace first would leave the kernel to do it later.
    remove_link "$(node_veth "$n")" || left+=("link $(node_veth "$n")")
    remove_netns "$(node_ns "$n")" || left+=("namespace $(node_ns "$n")")
  done
  remove_link "$BRIDGE" || left+=("bridge $BRIDGE")
  while fwd_rule_ok; do iptables -D "${FWD_RULE[@]}"; done
  if [[ -f $RUN_BASE/created-netns-dir && -d /var/run/netns ]] && [[ -z $(ls -A /var/run/netns) ]]; then
    umount /var/run/netns 2>/dev/null || true
    rmdir /var/run/netns 2>/dev/null || true
  fi
  if ((${#left[@]} > 0)); then
    warn "still present after ${LINK_GONE_TIMEOUT}s: ${left[*]}"
    return 1
  fi
}
