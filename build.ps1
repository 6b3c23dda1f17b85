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
$library = 'build/SwarmPgGitOps/bin/Release/net10.0/SwarmPgGitOps.dll'
$builtBefore = if (Test-Path $library) { (Get-Item $library).LastWriteTimeUtc } else { $null }
dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet | Out-Null
if ($LASTEXITCODE -ne 0) {
    dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet
    exit $LASTEXITCODE
}
# Cake caches the compiled build.cake by the script's own hash: a rebuilt library clears it (see build.sh).
if ((Get-Item $library).LastWriteTimeUtc -ne $builtBefore) {
    Remove-Item -Recurse -Force tools/cake-cache -ErrorAction SilentlyContinue
}
dotnet tool run dotnet-cake build/build.cake @args
exit $LASTEXITCODE
