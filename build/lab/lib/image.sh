# shellcheck shell=bash source-path=SCRIPTDIR
# The images in every node, each a cached root filesystem tarball brought in with `docker import`; a tarball's sha256
# is its image's layer id, the same on every node:
#   swarm-pg/postgres:15-lab  (../postgres15-rootfs.sh) with the settings of the official postgres:15 image;
#   swarm-pg/postgres:17-lab  the project's own image (project-image.sh, which uses import_into_nodes).
[[ -n ${LAB_LIB_IMAGE:-} ]] && return 0
LAB_LIB_IMAGE=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# image_layer NODE [IMAGE] — the image's (only) layer id on NODE; empty when it has none.
image_layer() { dk "$1" image inspect "${2:-$IMAGE}" --format '{{index .RootFS.Layers 0}}' 2>/dev/null || true; }
# tarball_content_id TARBALL — its sha256 (the layer id an import of it has); empty without the .sha256 file.
tarball_content_id() { if [[ -s $1.sha256 ]]; then echo "sha256:$(<"$1.sha256")"; fi; }
# The cached PostgreSQL 15 root filesystem's content id; empty without a cache.
image_content_id() { tarball_content_id "$ROOTFS_TAR"; }

readonly POSTGRES15_CHANGES=(
  -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  -c 'ENV PGDATA=/var/lib/postgresql/data'
  -c 'ENV LANG=C.UTF-8'
  -c 'EXPOSE 5432'
)

# import_command NODE IMAGE CONTENT_ID CHANGES... — sets IMPORT_CMD: the docker import of a tarball on stdin into NODE.
import_command() {
  local n=$1 image=$2 content_id=$3
  IMPORT_CMD=(docker -H "unix://$(node_sock "$n")" import "${@:4}" -c "LABEL org.swarm-pg.lab.rootfs=$content_id" - "$image")
}

# import_into_nodes IMAGE TARBALL CHANGES... — imports TARBALL as IMAGE into every node that does not have its
# content id yet, in parallel; fails with each node's error.
import_into_nodes() {
  local image=$1 tarball=$2 content_id n todo=() pids=() i rc=0
  content_id=$(tarball_content_id "$tarball")
  [[ -n $content_id ]] || die "$tarball.sha256 is missing." "Rebuild the cache: $LAB_CMD down --purge && $LAB_CMD up"
  for n in "${NODES[@]}"; do
    [[ $(image_layer "$n" "$image") == "$content_id" ]] || todo+=("$n")
  done
  ((${#todo[@]} == 0)) && return 0
  step "Importing $image into ${todo[*]}"
  for n in "${todo[@]}"; do
    import_command "$n" "$image" "$content_id" "${@:3}"
    log "    $(printf '%q ' "${IMPORT_CMD[@]}")< $tarball"
    timeout "$IMPORT_TIMEOUT" "${IMPORT_CMD[@]}" <"$tarball" >/dev/null 2>"$(node_run "$n")/import.err" &
    pids+=("$!")
  done
  for i in "${!todo[@]}"; do
    if ! wait "${pids[$i]}"; then
      rc=1
      warn "import of $image into ${todo[$i]} failed: $(tail -n 3 "$(node_run "${todo[$i]}")/import.err")"
    fi
  done
  ((rc == 0)) || die "docker import of $tarball failed." "If the cached tarball is damaged: $LAB_CMD down --purge && $LAB_CMD up"
  for n in "${todo[@]}"; do
    rm -f "$(node_run "$n")/import.err"
    [[ $(image_layer "$n" "$image") == "$content_id" ]] ||
      die "$image on $n does not have the expected content id $content_id (got '$(image_layer "$n" "$image")')."
  done
  # shellcheck disable=SC2119 # this step has no note
  step_done
}

ensure_image() {
  LAB_CMD=$LAB_CMD "$LAB_SCRIPTS/postgres15-rootfs.sh" || exit 1
  import_into_nodes "$IMAGE" "$ROOTFS_TAR" "${POSTGRES15_CHANGES[@]}"
}
