<#
.SYNOPSIS
    Benchmarks of the module and the emulator. Prints a table (median, min, max of at least 5 runs; ratios measured
    side by side in the same run) and writes bench/results.md. Never part of the test suite: timing is reported,
    not asserted. Run: dotnet pwsh ./build.ps1 Bench
#>
param(
    [Parameter(Mandatory)][string]$ModuleManifest,
    [Parameter(Mandatory)][string]$EmulatorDll,
    [int]$Runs = 7,
    [string[]]$Only
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'build/Services.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$rows = [System.Collections.Generic.List[object]]::new()
$notes = [System.Collections.Generic.List[string]]::new()
function Add-Row($Area, $Figure, $Stats, $Unit, $Target = '') {
    $rows.Add([pscustomobject]@{ Area = $Area; Figure = $Figure; Median = $Stats.Median; Min = $Stats.Min; Max = $Stats.Max; Unit = $Unit; Target = $Target })
}
function Want($name) { -not $Only -or $Only -contains $name }

$benches = Get-ChildItem (Join-Path $PSScriptRoot 'benches') -Filter *.ps1 | Sort-Object Name
foreach ($b in $benches) {
    $name = $b.BaseName -replace '^\d+-', ''
    if (-not (Want $name)) { continue }
    Write-Host "== $name" -ForegroundColor Cyan
    & $b.FullName -ModuleManifest $ModuleManifest -EmulatorDll $EmulatorDll -Runs $Runs -AddRow ${function:Add-Row} -Notes $notes
}

$rows | Format-Table Area, Figure, Median, Min, Max, Unit, Target -AutoSize | Out-String -Width 220 | Out-Host
$notes | ForEach-Object { Write-Host "  $_" }

$cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$memKb = [double](((Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Select-Object -First 1) -replace '\D', '') + '0') / 10
$machine = "$([Environment]::ProcessorCount) cores $cpu, $([math]::Round($memKb / 1MB, 1)) GiB, $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription)"
$md = [System.Text.StringBuilder]::new()
[void]$md.AppendLine('# Benchmark results')
[void]$md.AppendLine()
[void]$md.AppendLine("Date: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC. Machine: $machine; PowerShell $($PSVersionTable.PSVersion) on $([System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription). Each figure is the median of $Runs runs (min and max beside it); ratios come from runs measured side by side.")
[void]$md.AppendLine()
[void]$md.AppendLine('| Area | Figure | Median | Min | Max | Unit | Target |')
[void]$md.AppendLine('|---|---|---:|---:|---:|---|---|')
foreach ($r in $rows) { [void]$md.AppendLine("| $($r.Area) | $($r.Figure) | $($r.Median) | $($r.Min) | $($r.Max) | $($r.Unit) | $($r.Target) |") }
if ($notes.Count) { [void]$md.AppendLine(); foreach ($n in $notes) { [void]$md.AppendLine("- $n") } }
$path = Join-Path $PSScriptRoot 'results.md'
Set-Content -Path $path -Value $md.ToString() -Encoding utf8NoBOM
Write-Host "Results written to $path"
