#!/usr/bin/env bash
# benchmarks/lab-cycle.sh [ROUNDS] [--force] — LabDown then Lab, ROUNDS times (default 10), as the pipeline runs them:
#   ./build.sh --target=LabDown, then ./build.sh --target=Lab, then build/lab/lab.sh status --quiet.
# A round succeeds when all three exit 0. Prints each round's result and times, then how many rounds succeeded;
# exits 1 if any failed. A kept benchmark, not a test. It tears the lab down, so everything running in it is lost:
# it refuses to run while the lab's swarm has services, unless --force is given. The lab is left up (if the last
# round succeeded). Logs of each step: /tmp/swarm-pg-lab-cycle/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/lab-guard.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab-guard.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB="$ROOT/build/lab/lab.sh"
LOGDIR=/tmp/swarm-pg-lab-cycle

rounds=10
force=0
for arg in "$@"; do
  case $arg in
  --force) force=1 ;;
  *[!0-9]* | "" | 0)
    echo "usage: $0 [ROUNDS] [--force]" >&2
    exit 2
    ;;
  *) rounds=$arg ;;
  esac
done

lab_teardown_guard lab-cycle "$force"

mkdir -p "$LOGDIR"
cd "$ROOT"

# timed LOG COMMAND... — runs COMMAND with its output in LOG; prints "rc ms".
timed() {
  local logf=$1 t0 rc=0
  shift
  t0=$(date +%s%N)
  "$@" >"$logf" 2>&1 || rc=$?
  echo "$rc $((($(date +%s%N) - t0) / 1000000))"
}

seconds() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

ok=0
down_ms=()
up_ms=()
printf '%-7s %-34s %9s %9s\n' "round" "result" "LabDown" "Lab"
for ((round = 1; round <= rounds; round++)); do
  result=ok
  read -r down_rc down < <(timed "$LOGDIR/$round-down.log" ./build.sh --target=LabDown)
  read -r up_rc up < <(timed "$LOGDIR/$round-up.log" ./build.sh --target=Lab)
  if ((down_rc != 0)); then
    result="LabDown failed (exit $down_rc)"
  elif ((up_rc != 0)); then
    result="Lab failed (exit $up_rc)"
  elif ! "$LAB" status --quiet; then
    result="Lab exit 0, but status: not up"
  fi
  if [[ $result == ok ]]; then
    ok=$((ok + 1))
    down_ms+=("$down")
    up_ms+=("$up")
  fi
  printf '%-7s %-34s %8ss %8ss\n' "$round/$rounds" "$result" "$(seconds "$down")" "$(seconds "$up")"
  if [[ $result != ok ]]; then
    echo "        logs: $LOGDIR/$round-down.log, $LOGDIR/$round-up.log; last lines:"
    tail -n 8 "$LOGDIR/$round-down.log" "$LOGDIR/$round-up.log" | sed 's/^/        | /'
  fi
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo
echo "succeeded: $ok of $rounds rounds ($(nproc) cores; logs in $LOGDIR)"
if ((ok > 0)); then
  echo "median of the successful rounds: LabDown $(seconds "$(median "${down_ms[@]}")")s, Lab $(seconds "$(median "${up_ms[@]}")")s"
fi
((ok == rounds))
