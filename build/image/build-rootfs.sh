#!/usr/bin/env bash
# build-rootfs.sh [MAJOR] — the lab's build of the image: debootstrap the suite of PostgreSQL MAJOR (default 17),
# run install.sh in it (the script the production Dockerfile runs) and cache the result as a tarball:
#   /var/cache/swarm-pg-lab/image-pg<MAJOR>-<recipe hash>.tar (+ .sha256)
# The hash covers the recipe files, so a changed recipe rebuilds and an unchanged one is a cache hit.
# Progress goes to stderr; the last line on stdout is the tarball's path. Needs root, debootstrap and a Debian mirror.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CACHE_DIR=${SWARM_PG_IMAGE_CACHE:-/var/cache/swarm-pg-lab}
readonly RECIPE=("$HERE/install.sh" "$HERE/build-rootfs.sh")
readonly PG_MAJOR=${1:-17}

die() {
  printf 'build-rootfs: error: %s\n' "$*" >&2
  exit 1
}
log() { printf '%s\n' "$*" >&2; }

case $PG_MAJOR in
15) suite=bookworm ;;
17) suite=trixie ;;
18) suite=forky ;;
*) die "no Debian suite known for PostgreSQL $PG_MAJOR (15: bookworm, 17: trixie, 18: forky)" ;;
esac
[[ $EUID -eq 0 ]] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"

# The Debian mirror of the machine's apt sources (deb822 or one-line), as build/lab/lab.sh finds it.
debian_mirror() {
  local m=""
  if [[ -n ${SWARM_PG_DEBIAN_MIRROR:-} ]]; then
    echo "$SWARM_PG_DEBIAN_MIRROR"
    return
  fi
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    m=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $m && -f /etc/apt/sources.list ]]; then
    m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i !~ /security/) { print $i; exit } }' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

hash=$(cat "${RECIPE[@]}" | sha256sum | cut -c1-12)
tarball=$CACHE_DIR/image-pg$PG_MAJOR-$hash.tar
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/image-pg$PG_MAJOR.lock"
flock 9
if [[ -s $tarball && -s $tarball.sha256 ]]; then
  log "cache hit: $tarball"
  echo "$tarball"
  exit 0
fi

ROOTFS=$(mktemp -d "$CACHE_DIR/rootfs-pg$PG_MAJOR.XXXXXX")
readonly ROOTFS
chmod 0755 "$ROOTFS" # the image's / (mktemp makes it 0700, and non-root users then cannot reach /usr)
cleanup() {
  local mp
  awk -v p="$ROOTFS" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mp; do
    umount -l "$mp" 2>/dev/null || true
  done
  rm -rf --one-file-system "$ROOTFS" "$ROOTFS.log" "$tarball.tmp"
}
trap cleanup EXIT

mirror=$(debian_mirror)
log "debootstrap $suite from $mirror"
# forky is newer than this debootstrap: every suite since buster uses the same script (sid).
debootstrap --variant=minbase "$suite" "$ROOTFS" "$mirror" /usr/share/debootstrap/scripts/sid >"$ROOTFS.log" 2>&1 ||
  die "debootstrap $suite failed (mirror $mirror; set SWARM_PG_DEBIAN_MIRROR to override): $(tail -n 5 "$ROOTFS.log")"
rm -f "$ROOTFS.log"

log "install.sh $PG_MAJOR in the chroot"
mkdir -p "$ROOTFS/tmp/image"
cp "$HERE/install.sh" "$ROOTFS/tmp/image/install.sh"
# Mirrors that are snapshots serve testing suites (forky) with expired Release files; debootstrap ignores the
# expiry and so does this build, for the install only (the Dockerfile's base has a live mirror).
readonly NO_EXPIRY=$ROOTFS/etc/apt/apt.conf.d/99swarm-pg-snapshot-mirror
echo 'Acquire::Check-Valid-Until "false";' >"$NO_EXPIRY"
mount -t proc proc "$ROOTFS/proc"
chroot "$ROOTFS" sh /tmp/image/install.sh "$PG_MAJOR" >"$ROOTFS.log" 2>&1 ||
  die "install.sh failed in the chroot: $(tail -n 15 "$ROOTFS.log")"
umount "$ROOTFS/proc"
rm -rf "$ROOTFS/tmp/image" "$ROOTFS.log" "$NO_EXPIRY"

tar -C "$ROOTFS" --numeric-owner -cf "$tarball.tmp" .
sha256sum "$tarball.tmp" | cut -d' ' -f1 >"$tarball.sha256"
mv "$tarball.tmp" "$tarball"
# Tarballs of older recipes for this major are stale now.
find "$CACHE_DIR" -maxdepth 1 -name "image-pg$PG_MAJOR-*.tar*" ! -name "image-pg$PG_MAJOR-$hash.tar*" -delete
log "built $tarball ($(du -m "$tarball" | cut -f1) MB)"
echo "$tarball"
