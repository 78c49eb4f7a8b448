# Runs Pester (restored from NuGet by build/tools.csproj, never from the Gallery) and writes the counts as JSON.
param(
    [Parameter(Mandatory)][string]$ResultFile,
    [Parameter(Mandatory)][string]$Path
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
& dotnet restore (Join-Path $root 'build/tools.csproj') --nologo -v q | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Restoring Pester from NuGet failed (dotnet restore build/tools.csproj).' }
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$pester = Get-ChildItem (Join-Path $packages 'pester') -Directory | Where-Object Name -like '5.*' | Sort-Object { [version]$_.Name } | Select-Object -Last 1
if (-not $pester) { throw "Pester was not found under $packages/pester after the restore." }
Import-Module (Join-Path $pester.FullName 'tools/Pester.psd1') -Force

$config = New-PesterConfiguration
$config.Run.Path = $Path -split ','
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $ResultFile
