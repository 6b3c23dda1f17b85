#!/usr/bin/env bash
# Restore the Cake tool, build the pipeline library (incremental, quiet), and run build/build.cake
# with every argument passed through:  ./build.sh --target=Validate --env=prod
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET SDK 10 is needed (dotnet on PATH); see README.md" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet tool restore >/dev/null
dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet -clp:NoSummary -p:WarningLevel=4 >/dev/null \
  || { dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet; exit 1; }
exec dotnet tool run dotnet-cake build/build.cake "$@"
