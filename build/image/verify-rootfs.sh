#!/usr/bin/env bash
# verify-rootfs.sh TARBALL — unpacks an image tarball from build-rootfs.sh and checks it from inside, in a private
# loopback-only network, mount and PID namespace (everything started there ends with it): versions, fixed ids,
# no default cluster, UTF8 from initdb, Python modules of Patroni's etcd3 DCS, and one Patroni bootstrap on etcd.
# Prints one line per check; exit code 1 when any check fails. Needs root.
set -euo pipefail

tarball=${1:?usage: verify-rootfs.sh TARBALL}
[[ -s $tarball ]] || {
  echo "verify-rootfs: no tarball at $tarball" >&2
  exit 1
}
root=$(mktemp -d /var/tmp/swarm-pg-verify.XXXXXX)
trap 'rm -rf --one-file-system "$root"' EXIT
tar -C "$root" --numeric-owner -xf "$tarball"

cp "$(dirname "${BASH_SOURCE[0]}")/verify-inside.sh" "$root/tmp/verify-inside.sh"

# shellcheck disable=SC2016 # $1 is expanded by the inner shell
unshare --net --mount --pid --fork --propagation private sh -c '
  mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && mount -t tmpfs -o size=256m shm "$1/dev/shm" &&
  exec chroot "$1" sh /tmp/verify-inside.sh' verify "$root"
