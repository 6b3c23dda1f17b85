# shellcheck shell=bash source-path=SCRIPTDIR
# The swarm: three managers, so that it keeps its Raft quorum when any one node is lost. node1 (purpose=master)
# creates it, node2 and node3 (purpose=worker, the seed's labels) join as managers, or are promoted when an older lab
# made them workers; each node is labelled lab.node=NODE.
[[ -n ${LAB_LIB_SWARM:-} ]] && return 0
LAB_LIB_SWARM=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=engines.sh
. "$(dirname "${BASH_SOURCE[0]}")/engines.sh"

node_id() { dk "$1" info --format '{{.Swarm.NodeID}}'; }
swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}'; }
# settled_swarm_state NODE — its swarm state once it is no longer pending (an engine that just restarted rejoins).
settled_swarm_state() {
  local state deadline=$((SECONDS + NODE_READY_TIMEOUT))
  while state=$(swarm_state "$1") && [[ $state == pending ]] && ((SECONDS < deadline)); do sleep 0.5; done
  echo "$state"
}
# node_settled ID — ready, and a reachable manager (a promoted or joining manager takes a moment to be both).
node_settled() {
  [[ $(dk node1 node inspect "$1" --format '{{.Status.State}} {{.Spec.Role}} {{if .ManagerStatus}}{{.ManagerStatus.Reachability}}{{end}}' 2>/dev/null) == "ready manager reachable" ]]
}

ensure_swarm() {
  local t0 changed=() state token n id ids=() mgr_ids remote deadline ready l want have
  t0=$(now_ms)
  STEP_T0=$t0
  state=$(settled_swarm_state node1)
  if [[ $state != active ]] || [[ $(dk node1 info --format '{{.Swarm.ControlAvailable}}') != true ]]; then
    [[ $state == inactive ]] || dk node1 swarm leave --force >/dev/null 2>&1 || true
    log "==> Swarm: init on node1 ($(node_addr node1))"
    dk node1 swarm init --advertise-addr "$(node_addr node1)" --listen-addr "$(node_addr node1):2377" >/dev/null
    changed+=(init)
  fi
  mgr_ids=" $(dk node1 node ls -q | tr '\n' ' ') "
  for n in "${NODES[@]:1}"; do
    state=$(settled_swarm_state "$n")
    if [[ $state == active ]]; then
      id=$(node_id "$n")
      remote=$(dk "$n" info --format '{{range .Swarm.RemoteManagers}}{{.Addr}} {{end}}')
      if [[ $mgr_ids == *" $id "* && $remote == *"$(node_addr node1):2377"* ]]; then
        if [[ $(dk node1 node inspect "$id" --format '{{.Spec.Role}}') != manager ]]; then
          log "==> Swarm: promoting $n to manager"
          dk node1 node promote "$id" >/dev/null
          changed+=("promote-$n")
        fi
        continue
      fi
      warn "$n belongs to another swarm; leaving it"
    fi
    [[ $state == inactive ]] || dk "$n" swarm leave --force >/dev/null 2>&1 || true
    if [[ -z ${token:-} ]]; then token=$(dk node1 swarm join-token -q manager); fi
    log "==> Swarm: $n joins as manager ($(node_addr "$n"))"
    dk "$n" swarm join --token "$token" --advertise-addr "$(node_addr "$n")" \
      --listen-addr "$(node_addr "$n"):2377" "$(node_addr node1):2377" >/dev/null
    changed+=("join-$n")
  done
  for n in "${NODES[@]}"; do ids+=("$(node_id "$n")"); done
  # Wait (bounded) until node1 sees all three nodes ready and reachable as managers.
  deadline=$((SECONDS + NODE_READY_TIMEOUT))
  while :; do
    ready=0
    for id in "${ids[@]}"; do
      node_settled "$id" && ready=$((ready + 1))
    done
    ((ready == ${#ids[@]})) && break
    if ((SECONDS >= deadline)); then
      dk node1 node ls >&2 || true
      die "only $ready of ${#ids[@]} swarm nodes became ready, reachable managers within ${NODE_READY_TIMEOUT}s." \
        "Check the engine logs in $LOG_BASE and the FORWARD rule (iptables -S FORWARD); then: $LAB_CMD down && $LAB_CMD up"
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
}

# The swarm's nodes as node1 sees them, one line each:
# "hostname id=... role=... manager=reachable|unreachable|none state=... addr=... labels=...".
swarm_node_lines() {
  dk node1 node ls -q | xargs -r timeout "$DOCKER_CALL_TIMEOUT" docker -H "unix://$(node_sock node1)" node inspect \
    --format '{{.Description.Hostname}} id={{.ID}} role={{.Spec.Role}} manager={{if .ManagerStatus}}{{.ManagerStatus.Reachability}}{{else}}none{{end}} state={{.Status.State}} addr={{.Status.Addr}} labels={{json .Spec.Labels}}'
}

manager_up() { engine_up node1 && [[ $(dk node1 info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null) == true ]]; }

# Leave the swarm while the engines still answer: node3 and node2 are demoted first (the way Docker documents to
# take a manager out: the Raft membership shrinks instead of counting a gone manager), then all leave, node1 last.
swarm_leave_all() {
  local n ids=()
  if manager_up; then
    for n in node3 node2; do
      if engine_up "$n" && [[ $(swarm_state "$n" 2>/dev/null) == active ]]; then ids+=("$(node_id "$n")"); fi
    done
    if ((${#ids[@]} > 0)); then dk node1 node demote "${ids[@]}" >/dev/null 2>&1 || warn "demoting node2/node3 failed"; fi
  fi
  for n in node3 node2 node1; do
    if engine_up "$n" && [[ $(swarm_state "$n" 2>/dev/null) != inactive ]]; then
      dk "$n" swarm leave --force >/dev/null 2>&1 || warn "$n: swarm leave failed"
    fi
  done
}
