# Posture scan speed (issue 7): the emulator with 500 generated workspaces (plus the demo seed's 3) and 50 ms injected
# latency; Get-DbxNetworkPosture -ThrottleLimit 16 against the ideal time (requests needed x 50 ms / 16, requests
# counted by the emulator), the same scan done the naive way (a sequential loop of the resource cmdlets per workspace),
# and the peak working set of a scan of 100 and of 500 workspaces. Each scan runs in a fresh pwsh, timed inside it.
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)
$latency = 50
$throttle = 16
$seedIds = @{ Account = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37'; Client = '9f1e2d3c-4b5a-4968-8776-655443322110'; Secret = 'dosedemo0123456789abcdef0123456789ab' }

function Get-One([double]$Value, [int]$Digits = 1) {
    # Measure-Stats for a single figure (Measure-Stats needs a list).
    $v = [math]::Round($Value, $Digits); [pscustomobject]@{ Median = $v; Min = $v; Max = $v }
}

function Invoke-PostureRun([string]$Url, [string]$Body) {
    # Connects, warms the token and the connection, resets the emulator's counters, then times $Body (which sets $n).
    # The /_emulator calls carry the admin token of $emu (the emulator at $Url).
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleManifest'
`$s = ConvertTo-SecureString '$($seedIds.Secret)' -AsPlainText -Force
Connect-DbxAccount -AccountHost '$Url' -AccountId '$($seedIds.Account)' -ClientId '$($seedIds.Client)' -ClientSecret `$s | Out-Null
Get-DbxWorkspace -WorkspaceId 1111111111111111 | Out-Null
Invoke-RestMethod -Method Post -Uri '$Url/_emulator/requests/reset' -Headers @{ 'X-Emulator-Admin-Token' = '$($emu.AdminToken)' } | Out-Null
`$sw = [Diagnostics.Stopwatch]::StartNew()
$Body
`$sw.Stop()
`$requests = (Invoke-RestMethod -Uri '$Url/_emulator/requests' -Headers @{ 'X-Emulator-Admin-Token' = '$($emu.AdminToken)' }).total
`$peak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
"RESULT `$(`$sw.Elapsed.TotalMilliseconds) `$requests `$n `$peak"
"@
    $line = Invoke-Pwsh $script | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1
    if (-not $line) { throw "The posture bench run printed no result." }
    $f = $line -split ' '
    [pscustomobject]@{ Ms = [double]$f[1]; Requests = [long]$f[2]; Objects = [long]$f[3]; PeakMB = [double]$f[4] / 1MB }
}

$parallel = "`$n = (Get-DbxNetworkPosture -ThrottleLimit $throttle | Measure-Object).Count"
$naive = @'
$n = 0
Get-DbxNetworkConfiguration | Out-Null; Get-DbxVpcEndpointRegistration | Out-Null; Get-DbxPrivateAccessSettings | Out-Null
Get-DbxNetworkConnectivityConfig | ForEach-Object { Get-DbxPrivateEndpointRule -NetworkConnectivityConfigId $_.NetworkConnectivityConfigId } | Out-Null
Get-DbxNetworkPolicy | Out-Null; Get-DbxAccountIpAccessList | Out-Null; Get-DbxAccountIpAccessListFeature | Out-Null
foreach ($w in Get-DbxWorkspace) {
    Get-DbxIpAccessList -WorkspaceId $w.WorkspaceId | Out-Null
    Get-DbxIpAccessListFeature -WorkspaceId $w.WorkspaceId | Out-Null
    Get-DbxWorkspaceNetworkPolicy -WorkspaceId $w.WorkspaceId | Out-Null
    $n++
}
'@

$emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--extra-workspaces', '500', '--latency-ms', "$latency", '--aws-endpoint', 'none', '--quiet')
try {
    $scans = @(); for ($i = 0; $i -lt [math]::Max(3, [math]::Min([int]$Runs, 5)); $i++) { $scans += Invoke-PostureRun $emu.Url $parallel }
    $requests = $scans[0].Requests
    $ideal = $requests * $latency / $throttle
    & $AddRow 'Posture' "Get-DbxNetworkPosture, $($scans[0].Objects) workspaces, throttle $throttle, $latency ms latency" (Measure-Stats ($scans.Ms)) 'ms'
    & $AddRow 'Posture' "ideal: $requests requests x $latency ms / $throttle" (Get-One $ideal) 'ms'
    & $AddRow 'Posture' 'actual / ideal' (Measure-Stats ($scans | ForEach-Object { $_.Ms / $ideal }) 2) 'ratio' '<= 1.25'
    $slow = Invoke-PostureRun $emu.Url $naive
    & $AddRow 'Posture' "naive sequential loop of the resource cmdlets, $($slow.Objects) workspaces ($($slow.Requests) requests, 1 run)" (Get-One $slow.Ms) 'ms'
    & $AddRow 'Posture' 'naive / Get-DbxNetworkPosture' (Get-One ($slow.Ms / (Measure-Stats ($scans.Ms)).Median)) 'x'
    $big = Measure-Stats ($scans.PeakMB) 0
}
finally { $emu | Stop-TestService }

$emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--extra-workspaces', '100', '--latency-ms', "$latency", '--aws-endpoint', 'none', '--quiet')
try {
    $small = @(); for ($i = 0; $i -lt 3; $i++) { $small += Invoke-PostureRun $emu.Url $parallel }
    & $AddRow 'Posture' "peak working set of the scanning pwsh, $($small[0].Objects) workspaces" (Measure-Stats ($small.PeakMB) 0) 'MB'
    & $AddRow 'Posture' "peak working set of the scanning pwsh, $($scans[0].Objects) workspaces" $big 'MB' 'flat'
}
finally { $emu | Stop-TestService }
$Notes.Add("Posture: requests counted by the emulator for one scan; the ideal assumes every request costs exactly the injected latency and $throttle are always in flight. Peak working set includes pwsh and the module (PeakWorkingSet64 of the scanning process).")
