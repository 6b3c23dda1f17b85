#!/usr/bin/env bash
# Failover benchmark on the lab, printed, never asserted. Each round runs the Patroni fault suite's sequence
# (PatroniFaultTests.Under_a_writer_..., on its own stack pg-hf: ttl 20, loop_wait 5, retry_timeout 5, synchronous
# mode) with a writer committing through the read-write endpoint (HAProxy's read-write port on every node) all along, and reads what it printed:
#   failover    time from the leader's node lost (engine and containers killed) to the first write acknowledged by the
#               new leader (goal <= 20 s: Patroni's minimum ttl is 20 s)
#   switchover  longest gap between acknowledged writes while the Switchover task runs (goal <= 3 s)
#   rows lost   acknowledged rows missing on the leader at the end of the sequence (goal 0)
# ROUNDS=n (default 3) runs the sequence n times and prints the medians. It deploys and removes the stack pg-hf: run it
# under the lab lock (flock -o /work/wt/lab.lock benchmarks/failover.sh), not while lab tests run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./build.sh --target=Lab >/dev/null
dotnet build tests/SwarmPgGitOps.LabTests --nologo -v q >/dev/null

rounds=${ROUNDS:-3}
log_prefix=/tmp/spg-failover-bench
failovers=()
gaps=()
lost=()
failed=0
for round in $(seq 1 "$rounds"); do
  log=$log_prefix-$round.log
  echo "round $round/$rounds: switchover, lagging replica, leader's node lost, node back (about 3 min)"
  dotnet test tests/SwarmPgGitOps.LabTests --nologo --no-build --filter "FullyQualifiedName~PatroniFaultTests.Under_a_writer" \
    --logger "console;verbosity=detailed" >"$log" 2>&1 || { failed=$((failed + 1)); tail -30 "$log"; }
  failovers+=("$(grep -o 'first acknowledged write on [a-z0-9]* [0-9.]* s after the loss' "$log" | grep -o '[0-9.]* s after' | grep -o "^[0-9.]*" | head -n 1 || echo nan)")
  gaps+=("$(grep -o 'under the writer: .*longest gap between acknowledged writes [0-9.]* s' "$log" | grep -o '[0-9.]* s$' | grep -o "^[0-9.]*" | head -n 1 || echo nan)")
  lost+=("$(grep -o 'rows lost (acknowledged, not on the leader): [0-9]*' "$log" | grep -o '[0-9]*$' | head -n 1 || echo nan)")
  echo "  failover ${failovers[-1]} s, switchover gap ${gaps[-1]} s, rows lost ${lost[-1]}"
done
median() { printf '%s\n' "$@" | grep -v nan | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "failover runs: ${failovers[*]}"
echo "switchover gap runs: ${gaps[*]}"
echo "rows lost runs: ${lost[*]}"
printf '\n%-62s %8s %8s\n' "measure (median of $rounds)" "value" "goal"
printf '%-62s %8s %8s\n' "leader's node lost -> first write on the new leader (s)" "$(median "${failovers[@]}")" "<= 20"
printf '%-62s %8s %8s\n' "switchover: longest gap between acknowledged writes (s)" "$(median "${gaps[@]}")" "<= 3"
printf '%-62s %8s %8s\n' "rows lost (acknowledged, not on the leader)" "$(median "${lost[@]}")" "0"
if ((failed > 0)); then
  echo "$failed of $rounds rounds failed (their output above)"
  exit 1
fi
