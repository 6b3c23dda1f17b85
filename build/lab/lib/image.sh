# shellcheck shell=bash source-path=SCRIPTDIR
# The image swarm-pg/postgres:15-lab in every node: the cached root filesystem (built by ../postgres15-rootfs.sh)
# imported with the settings of the official postgres:15 image. Same layer id on every node.
[[ -n ${LAB_LIB_IMAGE:-} ]] && return 0
LAB_LIB_IMAGE=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

image_layer() { dk "$1" image inspect "$IMAGE" --format '{{index .RootFS.Layers 0}}' 2>/dev/null || true; }
# The cached root filesystem's sha256, which is the image's layer id; empty without a cache.
image_content_id() { if [[ -s $ROOTFS_TAR.sha256 ]]; then echo "sha256:$(<"$ROOTFS_TAR.sha256")"; fi; }

import_image() {
  local n=$1 content_id=$2
  timeout "$IMPORT_TIMEOUT" docker -H "unix://$(node_sock "$n")" import \
    -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'ENV LANG=C.UTF-8' \
    -c 'EXPOSE 5432' \
    -c "LABEL org.swarm-pg.lab.rootfs=$content_id" \
    - "$IMAGE" <"$ROOTFS_TAR" >/dev/null
}

ensure_image() {
  LAB_CMD=$LAB_CMD "$LAB_SCRIPTS/postgres15-rootfs.sh" || exit 1
  local content_id n todo=() pids=() i rc=0
  content_id=$(image_content_id)
  for n in "${NODES[@]}"; do
    [[ $(image_layer "$n") == "$content_id" ]] || todo+=("$n")
  done
  ((${#todo[@]} == 0)) && return 0
  step "Importing $IMAGE into ${todo[*]}"
  for n in "${todo[@]}"; do
    import_image "$n" "$content_id" 2>"$(node_run "$n")/import.err" &
    pids+=("$!")
  done
  for i in "${!todo[@]}"; do
    if ! wait "${pids[$i]}"; then
      rc=1
      warn "import into ${todo[$i]} failed: $(tail -n 3 "$(node_run "${todo[$i]}")/import.err")"
    fi
  done
  ((rc == 0)) || die "docker import failed." "If the cached tarball is damaged: $LAB_CMD down --purge && $LAB_CMD up"
  for n in "${todo[@]}"; do
    rm -f "$(node_run "$n")/import.err"
    [[ $(image_layer "$n") == "$content_id" ]] ||
      die "the image on $n does not have the expected content id $content_id (got '$(image_layer "$n")')."
  done
  # shellcheck disable=SC2119 # this step has no note
  step_done
}
