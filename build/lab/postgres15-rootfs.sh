#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# postgres15-rootfs.sh — builds the root filesystem of the lab's PostgreSQL 15 image into the image cache
# (/var/cache/swarm-pg-lab/postgres-15-rootfs.tar and its .sha256), from Debian's packages with debootstrap:
# no registry is needed. Does nothing when the cache holds it. Called by `lab.sh up`; needs root.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

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
      "Is the mirror reachable? Override it with LAB_DEBIAN_MIRROR=http://.../debian $LAB_CMD up"
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

# INT and TERM run the EXIT trap, which removes a half-built root filesystem.
trap 'exit 130' INT
trap 'exit 143' TERM
ensure_rootfs
