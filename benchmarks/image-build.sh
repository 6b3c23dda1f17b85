#!/usr/bin/env bash
# Times the lab's image build (build/image/build-rootfs.sh): a cold build into a scratch cache, then the same
# command again (a cache hit), and prints both with the tarball's size. Never asserts a time.
# Usage: benchmarks/image-build.sh [MAJOR]   (default 17; needs root, debootstrap and the Debian mirror)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

major=${1:-17}
cache=$(mktemp -d /var/tmp/swarm-pg-image-bench.XXXXXX)
trap 'rm -rf --one-file-system "$cache"' EXIT

timed() { # prints the seconds one build-rootfs.sh run took; its tarball path goes to $cache/path
  local t0=$EPOCHREALTIME
  SWARM_PG_IMAGE_CACHE=$cache build/image/build-rootfs.sh "$major" >"$cache/path" 2>"$cache/log" || {
    tail -n 20 "$cache/log" >&2
    exit 1
  }
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }'
}
cold=$(timed)
cached=$(timed)
printf 'image build pg%s: cold %.1f s, cached %.2f s, tarball %s MB (%s)\n' "$major" "$cold" "$cached" \
  "$(du -m "$(cat "$cache/path")" | cut -f1)" "$(basename "$(cat "$cache/path")")"
