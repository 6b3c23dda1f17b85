#!/usr/bin/env pwsh
# Restore the Cake tool, build the pipeline library (incremental, quiet), and run build/build.cake
# with every argument passed through:  ./build.ps1 --target=Validate --env=prod
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error 'build.ps1: the .NET SDK 10 is needed (dotnet on PATH); see README.md'
    exit 1
}
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

dotnet tool restore | Out-Null
# Published ReadyToRun for this machine's runtime, as build.sh does.
$library = 'build/SwarmPgGitOps/bin/pipeline/SwarmPgGitOps.dll'
$builtBefore = if (Test-Path $library) { (Get-Item $library).LastWriteTimeUtc } else { $null }
$publish = @('publish', 'build/SwarmPgGitOps/SwarmPgGitOps.csproj', '--configuration', 'Release', '--use-current-runtime', '--self-contained', 'false',
    '-p:PublishReadyToRun=true', '--output', 'build/SwarmPgGitOps/bin/pipeline', '--nologo', '--verbosity', 'quiet')
dotnet @publish | Out-Null
if ($LASTEXITCODE -ne 0) {
    dotnet @publish
    exit $LASTEXITCODE
}
# Cake caches the compiled build.cake by the script's own hash: a rebuilt library clears it (see build.sh).
if ((Get-Item $library).LastWriteTimeUtc -ne $builtBefore) {
    Remove-Item -Recurse -Force tools/cake-cache -ErrorAction SilentlyContinue
}
dotnet tool run dotnet-cake build/build.cake @args
exit $LASTEXITCODE
