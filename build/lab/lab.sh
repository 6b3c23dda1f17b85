#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# lab.sh — a local three-node Docker Swarm on one Debian machine.
#
#   lab.sh up                 create (or complete) the lab; idempotent
#   lab.sh down [--purge]     remove everything the lab created (--purge: also the image cache)
#   lab.sh status [--quiet]   print what is up; exit 0 when the lab is fully up, 3 otherwise
#
# Each node is a network namespace (spglab-node1..3) on the host bridge spglab0
# (192.168.77.0/24) with its own UTS namespace (so each engine has its own hostname),
# its own containerd and its own dockerd. See build/lab/README.md.
# The work is done by lib/: packages, network, tls, engines, swarm, image (and ../postgres15-rootfs.sh), project-image
# (and build/image/build-rootfs.sh), state, status.
set -euo pipefail

LAB_CMD=$0
# shellcheck source=lib/packages.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/packages.sh"
# status.sh brings the rest: network, engines, tls, swarm, image, project-image, state (each part loads what it uses).
# shellcheck source=lib/status.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/status.sh"

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
  ensure_project_image
  write_lab_files
  log "Lab is up ($(seconds_since "$t0"))."
  log "  endpoint: unix://$(node_sock node1)   (export DOCKER_HOST, or: set -a; . $LAB_ENV)"
  log "  TLS:      $(tls_endpoint)   (DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$CLIENT_TLS_DIR)"
  log "  images:   $IMAGE ($(image_content_id)), $PROJECT_IMAGE ($(image_layer node1 "$PROJECT_IMAGE"))"
  log "  files:    $LAB_JSON, $LAB_ENV"
  printf '%s\n' "${SUMMARY[@]}"
}

# Every part is removed even when an earlier one failed; down fails (exit 1) if anything is left, and can be run again.
cmd_down() {
  local purge=$1 phases="" pt failed=0
  require_root_debian
  take_lock
  pt=$(now_ms)
  phase() {
    phases+="${phases:+, }$1 $(seconds_since "$pt")"
    pt=$(now_ms)
  }
  step "Stopping the lab"
  swarm_leave_all
  phase "swarm leave"
  stop_daemon dockerd "$ENGINE_STOP_TIMEOUT" "${NODES[@]}"
  phase dockerd
  stop_daemon containerd "$CONTAINERD_STOP_TIMEOUT" "${NODES[@]}"
  phase containerd
  kill_leftovers
  phase leftovers
  network_down || failed=1
  phase network
  remove_trees "$DATA_BASE" "$RUN_BASE" "$LOG_BASE" "$LAB_DIR"
  phase files
  log "    ($phases)"
  if ((failed)); then
    die "the lab is half stopped: the parts above are still there." "Run again: $LAB_CMD down"
  fi
  if [[ $purge == 1 ]]; then
    rm -rf --one-file-system "$CACHE_DIR"
    step_done "everything removed, including the image cache $CACHE_DIR"
  else
    step_done "kept the image cache $ROOTFS_TAR (remove it with: $LAB_CMD down --purge)"
  fi
}

cmd_status() {
  require_root_debian
  lab_status "$@"
}

usage() {
  cat <<EOF2
usage: $0 up | down [--purge] | status [--quiet]
  up              create or complete the three-node swarm lab (idempotent)
  down            remove everything the lab created; keeps the image cache $CACHE_DIR
  down --purge    also remove the image cache
  status          show what is up; exit 0 when fully up, 3 otherwise
  status --quiet  only the exit code
EOF2
}

main() {
  # Make INT/TERM run the EXIT traps.
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
  status)
    case ${2:-} in
    "" | --quiet) cmd_status "${2:-}" ;;
    *) usage >&2; exit 2 ;;
    esac
    ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
  esac
}

main "$@"
