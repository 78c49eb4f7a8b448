# Pacing under the service's rate limit (issue 14 §6): the posture seed plus 199 generated workspaces (203) on an
# emulator that allows 20 and then 40 requests/s per principal (429 REQUEST_LIMIT_EXCEEDED, Retry-After 1), scanned
# by Get-DbxNetworkPosture -ThrottleLimit 16 with pacing off (DBX_RATE_PACING=off: the old behaviour) and on. Reports
# time / bound (bound = requests the service accepted / its rate) and the share of requests refused with 429.
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)
$root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
$seedFile = Join-Path $root 'tests/fixtures/posture-seed.json'
$ids = @{ Account = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37'; Client = '9f1e2d3c-4b5a-4968-8776-655443322110'; Secret = 'dosedemo0123456789abcdef0123456789ab' }
$runsHere = [math]::Max(3, [math]::Min([int]$Runs, 5))

function Invoke-ScanRun([string]$Url, [string]$AdminToken, [string]$Pacing) {
    # A fresh pwsh: connect, let the service's bucket refill, reset its counters, time the scan.
    $script = @"
`$ErrorActionPreference = 'Stop'
`$env:DBX_RATE_PACING = '$Pacing'
Import-Module '$ModuleManifest'
`$s = ConvertTo-SecureString '$($ids.Secret)' -AsPlainText -Force
Connect-DbxAccount -AccountHost '$Url' -AccountId '$($ids.Account)' -ClientId '$($ids.Client)' -ClientSecret `$s | Out-Null
Start-Sleep -Milliseconds 1500
Invoke-RestMethod -Method Post -Uri '$Url/_emulator/requests/reset' -Headers @{ 'X-Emulator-Admin-Token' = '$AdminToken' } | Out-Null
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = (Get-DbxNetworkPosture -ThrottleLimit 16 -ErrorAction SilentlyContinue | Measure-Object).Count
`$sw.Stop()
`$r = Invoke-RestMethod -Uri '$Url/_emulator/requests' -Headers @{ 'X-Emulator-Admin-Token' = '$AdminToken' }
"RESULT `$(`$sw.Elapsed.TotalMilliseconds) `$(`$r.total) `$(`$r.rate_limited) `$n"
"@
    $line = Invoke-Pwsh $script | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "The rate-limit bench run printed no result." }
    $f = $line -split ' '
    [pscustomobject]@{ Ms = [double]$f[1]; Total = [long]$f[2]; Limited = [long]$f[3]; Objects = [long]$f[4] }
}

foreach ($rate in 20, 40) {
    $emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--seed-file', $seedFile, '--extra-workspaces', '199', '--rate-limit', "$rate", '--aws-endpoint', 'none', '--quiet')
    try {
        foreach ($mode in @(@{ Name = 'pacing off'; Env = 'off' }, @{ Name = 'paced'; Env = '' })) {
            $scans = @(); for ($i = 0; $i -lt $runsHere; $i++) { $scans += Invoke-ScanRun $emu.Url $emu.AdminToken $mode.Env }
            $label = "Get-DbxNetworkPosture, $($scans[0].Objects) workspaces, $rate req/s, $($mode.Name)"
            & $AddRow 'Rate limit' "$label`: time / bound" (Measure-Stats ($scans | ForEach-Object { $_.Ms / (1000 * ($_.Total - $_.Limited) / $rate) }) 2) 'ratio' $(if ($mode.Env) { '' } else { '<= 1.1' })
            & $AddRow 'Rate limit' "$label`: requests refused with 429" (Measure-Stats ($scans | ForEach-Object { 100 * $_.Limited / $_.Total }) 1) '%' $(if ($mode.Env) { '' } else { '< 5 %' })
        }
    }
    finally { $emu | Stop-TestService }
}
$Notes.Add('Rate limit: bound = requests the emulator accepted / its rate limit (its bucket also allows a burst of one second, so a scan can beat the bound slightly); the 429 share is rate_limited / total as counted by the emulator. "pacing off" is DBX_RATE_PACING=off, the behaviour before the pacer (Retry-After honoured, no pacing).')
