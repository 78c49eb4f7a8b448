<#
  One writer of the cross-process test (CrossProcess.Tests.ps1): adds its values to one shared IP access list with
  Add-DbxIpAccessListEntry, five calls of two values, against an emulator with faults, and writes each call's outcome as JSON.
#>
param(
    [Parameter(Mandatory)][string]$Module,
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$ListId,
    [Parameter(Mandatory)][long]$WorkspaceId,
    [Parameter(Mandatory)][int]$Writer,
    [Parameter(Mandatory)][string]$ResultFile,
    [string]$AccountId = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37',
    [string]$ClientId = '9f1e2d3c-4b5a-4968-8776-655443322110',
    [string]$ClientSecret = 'dosedemo0123456789abcdef0123456789ab'
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$ctx = Connect-DbxAccount -AccountHost $EmulatorUrl -AccountId $AccountId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString $ClientSecret -AsPlainText -Force) -NoDefault
$ctx.Retry.MaxAttempts = 12
$ctx.Retry.BaseBackoff = [TimeSpan]::FromMilliseconds(10)
$ctx.Retry.MaxBackoff = [TimeSpan]::FromMilliseconds(200)
$ctx.Retry.MaxRetryTime = [TimeSpan]::FromSeconds(20)
$ErrorActionPreference = 'Continue'
$calls = foreach ($k in 1..5) {
    $values = "10.$Writer.$k.0/24", "198.18.$Writer.$k/32"
    $errors = $null
    $values | Add-DbxIpAccessListEntry -Context $ctx -WorkspaceId $WorkspaceId -ListId $ListId -Force -ErrorAction SilentlyContinue -ErrorVariable errors -WarningAction SilentlyContinue
    [pscustomobject]@{ Writer = $Writer; Values = $values; Ok = -not $errors; Errors = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) }
}
ConvertTo-Json -InputObject @($calls) -Depth 4 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
