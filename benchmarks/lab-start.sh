#!/usr/bin/env bash
# benchmarks/lab-start.sh [--cold] [--force] — how long the lab's start paths take.
#
# A kept benchmark, not a test. It tears the lab down, so everything running in it is lost:
#   1. lab.sh down            (keeps the image cache)
#   2. lab.sh up              warm: cache present, no debootstrap
#   3. lab.sh up              already up: must change nothing and return in seconds
#   with --cold, then also:
#   4. lab.sh down --purge    (removes the image cache)
#   5. lab.sh up              cold: debootstrap + import
#   6. lab.sh up              already up
# It refuses to run while the lab's swarm has services, unless --force is given.
# The lab is left up. Logs of each step: /tmp/swarm-pg-lab-bench/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/lab-guard.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab-guard.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB="$ROOT/build/lab/lab.sh"
LOGDIR=/tmp/swarm-pg-lab-bench

cold=0
force=0
for arg in "$@"; do
  case $arg in
  --cold) cold=1 ;;
  --force) force=1 ;;
  *)
    echo "usage: $0 [--cold] [--force]" >&2
    exit 2
    ;;
  esac
done

lab_teardown_guard lab-start "$force"

mkdir -p "$LOGDIR"
rows=()
step=0

measure() {
  local label=$1 t0 ms rc=0 logf
  shift
  step=$((step + 1))
  logf="$LOGDIR/$step.log"
  echo "[$step] $label ..."
  t0=$(date +%s%N)
  "$@" >"$logf" 2>&1 || rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  rows+=("$(printf '%-32s %6d.%01d s' "$label" $((ms / 1000)) $(((ms % 1000) / 100)))")
  if ((rc != 0)); then
    echo "lab-start: '$*' failed (exit $rc); last lines of $logf:" >&2
    tail -n 20 "$logf" >&2
    exit 1
  fi
}

measure "down (cache kept)" "$LAB" down
measure "up, warm (cache present)" "$LAB" up
measure "up, already up" "$LAB" up
if ((cold)); then
  measure "down --purge" "$LAB" down --purge
  measure "up, cold (debootstrap)" "$LAB" up
  measure "up, already up" "$LAB" up
fi
"$LAB" status >/dev/null || {
  echo "lab-start: the lab is not fully up after the benchmark (see: $LAB status)." >&2
  exit 1
}

echo
printf '%-32s %9s\n' "step" "wall"
printf '%-32s %9s\n' "--------------------------------" "---------"
printf '%s\n' "${rows[@]}"
echo "($(nproc) cores; logs in $LOGDIR)"
