# shellcheck shell=bash source-path=SCRIPTDIR
# Whether the lab is up. This is the one place that decides it: `lab.sh status` prints it, and the pipeline
# (build/SwarmPgGitOps/Lab/LabScript.cs) asks `lab.sh status --quiet` rather than deciding on its own.
[[ -n ${LAB_LIB_STATUS:-} ]] && return 0
LAB_LIB_STATUS=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=network.sh
. "$(dirname "${BASH_SOURCE[0]}")/network.sh"
# shellcheck source=engines.sh
. "$(dirname "${BASH_SOURCE[0]}")/engines.sh"
# shellcheck source=tls.sh
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"
# shellcheck source=swarm.sh
. "$(dirname "${BASH_SOURCE[0]}")/swarm.sh"
# shellcheck source=image.sh
. "$(dirname "${BASH_SOURCE[0]}")/image.sh"
# shellcheck source=project-image.sh
. "$(dirname "${BASH_SOURCE[0]}")/project-image.sh"
# shellcheck source=state.sh
. "$(dirname "${BASH_SOURCE[0]}")/state.sh"

readonly EXIT_NOT_UP=3

STATUS_QUIET=0
STATUS_UP=1
say() { ((STATUS_QUIET)) || log "$@"; }
mark() {
  if [[ $1 == 1 ]]; then say "  [up]   $2"; else say "  [DOWN] $2"; STATUS_UP=0; fi
}
# Quiet, the first part found down decides: the rest is not looked at.
decided() { ((STATUS_QUIET && !STATUS_UP)); }
# probe LABEL COMMAND... — marks LABEL up when COMMAND succeeds.
probe() {
  decided && return 0
  if "${@:2}"; then mark 1 "$1"; else mark 0 "$1"; fi
}

probe_engine() {
  local n=$1 layer content_id
  decided && return 0
  if ! engine_up "$n"; then
    mark 0 "$n engine unix://$(node_sock "$n")"
    mark 0 "$n image $IMAGE (engine down)"
    mark 0 "$n image $PROJECT_IMAGE (engine down)"
    return 0
  fi
  if ((STATUS_QUIET)); then
    mark 1 "$n engine"
  else
    mark 1 "$n engine $(dk "$n" version --format '{{.Server.Version}}') unix://$(node_sock "$n") (hostname $(dk "$n" info --format '{{.Name}}'))"
  fi
  layer=$(image_layer "$n")
  content_id=$(image_content_id)
  if [[ -n $layer && ($content_id == "" || $layer == "$content_id") ]]; then
    mark 1 "$n image $IMAGE ($layer)"
  else
    mark 0 "$n image $IMAGE"
  fi
  # The project image's cache is named by its recipe's hash, which only build-rootfs.sh computes: the content id to
  # compare with is the one `up` imported and recorded in lab.json.
  layer=$(image_layer "$n" "$PROJECT_IMAGE")
  content_id=$(recorded_project_content_id)
  if [[ -n $layer && ($content_id == "" || $layer == "$content_id") ]]; then
    mark 1 "$n image $PROJECT_IMAGE ($layer)"
  else
    mark 0 "$n image $PROJECT_IMAGE"
  fi
}

probe_swarm() {
  local line count=0
  decided && return 0
  if ! manager_up; then
    mark 0 "swarm manager on node1"
    return 0
  fi
  while IFS='|' read -r line; do
    [[ -z $line ]] && continue
    count=$((count + 1))
    if [[ $line == *"manager=reachable state=ready"* ]]; then mark 1 "$line"; else mark 0 "$line"; fi
  done < <(swarm_node_lines)
  if ((count != ${#NODES[@]})); then mark 0 "swarm has $count nodes, expected ${#NODES[@]}"; fi
}

# probe_nodes — each node's probes, the nodes side by side (each is a dozen docker and ip commands: most of the
# status's time), then marked in the nodes' order as if probed one after the other. A node whose probes did not all
# run (their subshell ended early) is down.
probe_nodes() {
  local n dir up label
  decided && return 0
  dir=$(mktemp -d)
  for n in "${NODES[@]}"; do
    (
      mark() { printf '%s|%s\n' "$1" "$2"; }
      decided() { return 1; }
      probe "$n namespace $(node_ns "$n") $(node_addr "$n")" node_net_ok "$n"
      probe "$n containerd unix://$(node_ctrd_sock "$n")" containerd_up "$n"
      probe_engine "$n"
      echo "end|"
    ) >"$dir/$n" &
  done
  wait
  for n in "${NODES[@]}"; do
    if [[ $(tail -n 1 "$dir/$n") != "end|" ]]; then
      mark 0 "$n probes did not all run"
    fi
    while IFS='|' read -r up label; do
      [[ $up == end ]] && continue
      decided || mark "$up" "$label"
    done <"$dir/$n"
  done
  rm -rf "$dir"
}

# lab_status [--quiet] — prints each part of the lab, up or DOWN (nothing with --quiet); returns 0 when the lab is fully
# up, EXIT_NOT_UP otherwise.
lab_status() {
  local n
  STATUS_QUIET=0
  [[ ${1:-} == --quiet ]] && STATUS_QUIET=1
  STATUS_UP=1
  say "bridge / firewall:"
  probe "bridge $BRIDGE $BRIDGE_CIDR" bridge_ok
  probe "iptables FORWARD -i $BRIDGE -o $BRIDGE ACCEPT" fwd_rule_ok
  say "nodes:"
  probe_nodes
  probe "node1 TLS endpoint $(tls_endpoint)" tls_up
  say "swarm:"
  probe_swarm
  say "files:"
  probe "$LAB_JSON" lab_json_current
  if [[ -f $ROOTFS_TAR ]]; then say "  [info] image cache $ROOTFS_TAR present"; else say "  [info] no image cache (next up runs debootstrap)"; fi
  if ((STATUS_UP)); then
    say "lab: fully up"
    return 0
  fi
  say "lab: not fully up (run: $LAB_CMD up)"
  return "$EXIT_NOT_UP"
}
