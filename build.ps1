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
dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet | Out-Null
if ($LASTEXITCODE -ne 0) {
    dotnet build build/SwarmPgGitOps/SwarmPgGitOps.csproj --configuration Release --nologo --verbosity quiet
    exit $LASTEXITCODE
}
dotnet tool run dotnet-cake build/build.cake @args
exit $LASTEXITCODE
