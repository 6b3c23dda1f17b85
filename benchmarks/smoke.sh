#!/usr/bin/env bash
# Times the Smoke step on a healthy cluster: the lab test deploys a stack of its own (pg-smoke, ports 5442-5444),
# runs the step twice (cold, then warm) and removes the stack with its volumes. Prints the total smoke time of each run
# and the canary round trip per replica; never asserts a time. Goal: a warm run under 1 s.
# Needs the lab up (./build.sh --target=Lab) and .lab/lab.json in this checkout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet test tests/SwarmPgGitOps.LabTests --configuration Release --nologo \
    --filter "FullyQualifiedName~SmokeLabTests.A_healthy_cluster" \
    --logger "console;verbosity=detailed" >"$log" 2>&1; then
  tail -n 60 "$log"
  echo "benchmarks/smoke.sh: the healthy-cluster smoke test failed; see above" >&2
  exit 1
fi
grep -o 'smoke timing: .*' "$log"
grep -o 'smoke lab: .*' "$log" | tail -n 1
