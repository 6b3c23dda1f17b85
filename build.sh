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

# Build the library only when a source is newer than the built assembly (saves about 1.5 s a run). It is published
# ReadyToRun for this machine's runtime, it and its packages: compiled ahead, not at each run (a no-op Deploy about
# 0.4 s faster; the build about 15 s slower).
library=build/SwarmPgGitOps/bin/pipeline/SwarmPgGitOps.dll
publish=(dotnet publish build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --use-current-runtime --self-contained false
  -p:PublishReadyToRun=true --output build/SwarmPgGitOps/bin/pipeline --nologo --verbosity quiet)
if [ ! -f "$library" ] || [ -n "$(find build/SwarmPgGitOps Directory.Build.props Directory.Packages.props global.json \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.py' -o -name '*.sh' -o -name '.editorconfig' \) -not -path '*/bin/*' -not -path '*/obj/*' -newer "$library" -print -quit)" ]; then
  "${publish[@]}" >/dev/null || { "${publish[@]}"; exit 1; }
  touch "$library"
  # Cake caches the compiled build.cake by the script's own hash; a library whose API changed under an unchanged script
  # would fail with "Method not found", so the cache goes with every library build.
  rm -rf tools/cake-cache
fi
# Cake runs straight from its restored package when it is there: 0.3 s less per command than restore + tool run.
cake_version=$(sed -n '/"cake.tool"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' .config/dotnet-tools.json)
cake=${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$cake_version/tools/net10.0/any/Cake.dll
if [ -f "$cake" ]; then
  exec dotnet "$cake" build/build.cake "$@"
fi
dotnet tool restore >/dev/null
exec dotnet tool run dotnet-cake build/build.cake "$@"
