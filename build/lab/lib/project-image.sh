# shellcheck shell=bash source-path=SCRIPTDIR
# The project's own image as swarm-pg/postgres:17-lab in every node. build/image/build-rootfs.sh builds the root
# filesystem with install.sh, the one recipe (or finds it in its cache); the import declares the ENV values the
# recipe recorded in /etc/swarm-pg/image.env, the same values the production Dockerfile sets.
[[ -n ${LAB_LIB_PROJECT_IMAGE:-} ]] && return 0
LAB_LIB_PROJECT_IMAGE=1
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=image.sh
. "$(dirname "${BASH_SOURCE[0]}")/image.sh"

readonly IMAGE_ENV_FILE=etc/swarm-pg/image.env

# project_image_tarball — the cached tarball's path; a cache miss builds it first (minutes; progress on stderr).
project_image_tarball() {
  local out
  out=$("$REPO_ROOT/build/image/build-rootfs.sh" "$PROJECT_PG_MAJOR") ||
    die "build/image/build-rootfs.sh $PROJECT_PG_MAJOR failed (its error is above)." "When it is fixed: $LAB_CMD up"
  echo "${out##*$'\n'}"
}

# project_image_changes TARBALL — sets PROJECT_CHANGES: `-c 'ENV KEY=VALUE'` for each line of the tarball's image.env,
# and its PG_MAJOR as a label too.
project_image_changes() {
  local tarball=$1 env line
  env=$(tar --occurrence=1 -xOf "$tarball" "./$IMAGE_ENV_FILE" 2>/dev/null) || env=""
  [[ -n $env ]] || die "$tarball has no /$IMAGE_ENV_FILE, which build/image/install.sh writes." \
    "Build it again: rm $tarball && $LAB_CMD up"
  PROJECT_CHANGES=()
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]\"\'\$\\]*$ ]] ||
      die "/$IMAGE_ENV_FILE in $tarball has a line that is not KEY=VALUE without blanks, quotes, \$ or \\: '$line'" \
        "docker import -c 'ENV ...' takes it word for word; fix build/image/install.sh"
    PROJECT_CHANGES+=(-c "ENV $line")
    if [[ $line == PG_MAJOR=* ]]; then PROJECT_CHANGES+=(-c "LABEL org.swarm-pg.image.pg-major=${line#PG_MAJOR=}"); fi
  done <<<"$env"
}

ensure_project_image() {
  local tarball
  tarball=$(project_image_tarball)
  project_image_changes "$tarball"
  import_into_nodes "$PROJECT_IMAGE" "$tarball" "${PROJECT_CHANGES[@]}"
}
