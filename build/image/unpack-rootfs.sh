#!/usr/bin/env bash
# unpack-rootfs.sh MAJOR — the project image's root filesystem for PostgreSQL MAJOR, unpacked where the tests run its
# server under chroot (the pg_hba agreement test, for majors this machine's apt does not have):
#   /var/cache/swarm-pg-lab/rootfs-pg<MAJOR>-<first 12 hex digits of the tarball's sha256>/
# The tarball is build-rootfs.sh's (a cache hit, or a build of minutes). Idempotent: an unpacked tree of the same
# tarball is kept; trees of older tarballs of the major are removed. The last line on stdout is the tree's path.
# Needs root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CACHE_DIR=${SWARM_PG_IMAGE_CACHE:-/var/cache/swarm-pg-lab}
readonly PG_MAJOR=${1:?usage: unpack-rootfs.sh MAJOR}

die() {
  printf 'unpack-rootfs: error: %s\n' "$*" >&2
  exit 1
}

[[ $EUID -eq 0 ]] || die "needs root (the tree keeps the image's owners, and the tests chroot into it)"
out=$("$HERE/build-rootfs.sh" "$PG_MAJOR") || die "build/image/build-rootfs.sh $PG_MAJOR failed (its error is above)"
tarball=${out##*$'\n'}
[[ -s $tarball.sha256 ]] || die "$tarball.sha256 is missing; remove $tarball and run again"
tree=$CACHE_DIR/rootfs-pg$PG_MAJOR-$(cut -c1-12 "$tarball.sha256")

exec 9>"$CACHE_DIR/rootfs-pg$PG_MAJOR.lock"
flock 9
if [[ ! -d $tree ]]; then
  partial=$CACHE_DIR/.rootfs-pg$PG_MAJOR.partial
  rm -rf --one-file-system "$partial"
  mkdir -p "$partial"
  tar -C "$partial" --numeric-owner -xf "$tarball" || die "could not unpack $tarball into $partial"
  chmod 0755 "$partial"
  mv "$partial" "$tree"
fi
find "$CACHE_DIR" -maxdepth 1 -name "rootfs-pg$PG_MAJOR-*" -type d ! -path "$tree" -exec rm -rf --one-file-system {} +
echo "$tree"
