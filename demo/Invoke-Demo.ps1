# The demo: what an administrator sees on first contact, against the embedded emulator and moto.
# Started by: dotnet pwsh ./build.ps1 Demo   (which starts both services and passes their URLs here)
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$MotoUrl
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

# The demo account of the emulator's built-in seed (see src/DatabricksNetworking.Emulator/Seeds/demo-seed.json).
$accountId = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37'
$secret = ConvertTo-SecureString 'dosedemo0123456789abcdef0123456789ab' -AsPlainText -Force

Write-Host "Databricks emulator: $EmulatorUrl    AWS (moto): $MotoUrl" -ForegroundColor Cyan
Write-Host "`n> Connect-DbxAccount -AccountHost $EmulatorUrl -AccountId $accountId -ClientId 9f1e2d3c-... -ClientSecret (SecureString)" -ForegroundColor Yellow
$ctx = Connect-DbxAccount -AccountHost $EmulatorUrl -AccountId $accountId -ClientId '9f1e2d3c-4b5a-4968-8776-655443322110' -ClientSecret $secret
$ctx | Format-Table | Out-Host

Write-Host '> Get-DbxWorkspace' -ForegroundColor Yellow
Get-DbxWorkspace | Format-Table | Out-Host

# What the demo account already has: a little of every kind, so each first Get- shows something.
$firstCalls = [ordered]@{
    'Get-DbxNetworkConfiguration' = { Get-DbxNetworkConfiguration }
    'Get-DbxPrivateAccessSettings' = { Get-DbxPrivateAccessSettings }
    'Get-DbxIpAccessList -WorkspaceId 2222222222222222' = { Get-DbxIpAccessList -WorkspaceId 2222222222222222 }
    'Get-DbxAccountIpAccessList' = { Get-DbxAccountIpAccessList }
    'Get-DbxNetworkConnectivityConfig' = { Get-DbxNetworkConnectivityConfig }
    'Get-DbxNetworkConnectivityConfig | Get-DbxPrivateEndpointRule' = { Get-DbxNetworkConnectivityConfig | Get-DbxPrivateEndpointRule }
    'Get-DbxNetworkPolicy' = { Get-DbxNetworkPolicy }
}
foreach ($call in $firstCalls.GetEnumerator()) {
    Write-Host "> $($call.Key)" -ForegroundColor Yellow
    & $call.Value | Format-Table | Out-Host
}

$scenarios = Join-Path $PSScriptRoot 'scenarios'
if (Test-Path $scenarios) {
    foreach ($s in Get-ChildItem $scenarios -Filter *.ps1 | Sort-Object Name) {
        Write-Host "`n=== $($s.BaseName)" -ForegroundColor Cyan
        & $s.FullName -EmulatorUrl $EmulatorUrl -MotoUrl $MotoUrl -Context $ctx
    }
}
Write-Host "`nDemo finished." -ForegroundColor Green
