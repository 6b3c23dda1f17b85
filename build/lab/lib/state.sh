# shellcheck shell=bash source-path=SCRIPTDIR
# The files that tell clients where the lab is: .lab/lab.json (written with jq) and .lab/lab.env.
[[ -n ${LAB_LIB_STATE:-} ]] && return 0
LAB_LIB_STATE=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tls.sh
. "$(dirname "${BASH_SOURCE[0]}")/tls.sh"
# shellcheck source=swarm.sh
. "$(dirname "${BASH_SOURCE[0]}")/swarm.sh"
# shellcheck source=image.sh
. "$(dirname "${BASH_SOURCE[0]}")/image.sh"

readonly LAB_JSON="$LAB_DIR/lab.json"
readonly LAB_ENV="$LAB_DIR/lab.env"

# write_if_changed FILE CONTENT — atomically, and only when the content differs (readers see a stable mtime).
write_if_changed() {
  if ! cmp -s "$1" <(printf '%s' "$2"); then
    printf '%s' "$2" >"$1.tmp" && mv "$1.tmp" "$1"
  fi
}

# Writes lab.json and lab.env from what the engines report; sets SUMMARY, one line per node.
write_lab_files() {
  local n id hostname role labels rows=() env upper json
  env="DOCKER_HOST=unix://$(node_sock node1)"$'\n'"LAB_IMAGE=$IMAGE"$'\n'"LAB_PROJECT_IMAGE=$PROJECT_IMAGE"$'\n'
  env+="LAB_DOCKER_TLS_HOST=$(tls_endpoint)"$'\n'"LAB_DOCKER_CERT_PATH=$CLIENT_TLS_DIR"$'\n'
  SUMMARY=()
  for n in "${NODES[@]}"; do
    id=$(node_id "$n")
    IFS='|' read -r hostname role labels < <(dk node1 node inspect "$id" --format '{{.Description.Hostname}}|{{.Spec.Role}}|{{json .Spec.Labels}}')
    rows+=("$(printf '%s\t' "$n" "$hostname" "$id" "$(node_addr "$n")" "unix://$(node_sock "$n")" "$role" "$labels" \
      "$(dk "$n" image inspect "$IMAGE" --format '{{.Id}}')")")
    upper=${n^^}
    env+="LAB_${upper}=$(node_addr "$n")"$'\n'"LAB_${upper}_SOCKET=unix://$(node_sock "$n")"$'\n'
    SUMMARY+=("$(printf '  %-6s %-14s %-8s %-14s %s' "$n" "$(node_addr "$n")" "$role" "$hostname" "$labels")")
  done
  # One row per node: name, hostname, id, address, socket, role, labels (JSON), imageId.
  json=$(printf '%s\n' "${rows[@]}" | jq -cRn --arg endpoint "unix://$(node_sock node1)" --arg tlsEndpoint "$(tls_endpoint)" \
    --arg tlsCertPath "$CLIENT_TLS_DIR" --arg image "$IMAGE" --arg imageContentId "$(image_content_id)" \
    --arg projectImage "$PROJECT_IMAGE" --arg projectImageContentId "$(image_layer node1 "$PROJECT_IMAGE")" '
      {endpoint: $endpoint, tlsEndpoint: $tlsEndpoint, tlsCertPath: $tlsCertPath, image: $image, imageContentId: $imageContentId,
       projectImage: $projectImage, projectImageContentId: $projectImageContentId,
       nodes: [inputs | split("\t") | {name: .[0], hostname: .[1], id: .[2], address: .[3], socket: .[4], role: .[5],
                                        labels: (.[6] | fromjson), imageId: .[7]}]}')
  mkdir -p "$LAB_DIR"
  write_if_changed "$LAB_JSON" "$json"$'\n'
  write_if_changed "$LAB_ENV" "$env"
}

# The project image's content id that `up` imported (empty without lab.json).
recorded_project_content_id() { jq -r '.projectImageContentId // ""' "$LAB_JSON" 2>/dev/null || true; }

# lab.json describes the lab that runs: its TLS endpoint, the swarm's nodes, the cached image and the project image.
lab_json_current() {
  [[ -f $LAB_JSON ]] || return 1
  local swarm_ids
  swarm_ids=$(dk node1 node ls -q 2>/dev/null | sort | paste -sd' ') || return 1
  jq -e --arg ids "$swarm_ids" --arg tls "$(tls_endpoint)" --arg content "$(image_content_id)" --arg project "$PROJECT_IMAGE" \
    '.tlsEndpoint == $tls and ([.nodes[].id] | sort | join(" ")) == $ids and ($content == "" or .imageContentId == $content)
     and .projectImage == $project and .projectImageContentId != ""' \
    "$LAB_JSON" >/dev/null 2>&1
}
