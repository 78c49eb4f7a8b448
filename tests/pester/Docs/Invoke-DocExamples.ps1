<#
  Runs the EXAMPLES code blocks of one docs/cmdlets page, in order, in a fresh runspace of this (child) pwsh, with the
  built module imported, $ctx connected to the given emulator and the AWS variables pointing at moto. Writes one JSON
  record per block (errors, exception, skipped illustration) to -ResultFile. Used by Examples.Tests.ps1.
#>
param(
    [Parameter(Mandatory)][string]$PagePath,
    [Parameter(Mandatory)][string]$Module,
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$ResultFile,
    [Parameter(Mandatory)][string]$AccountId,
    [Parameter(Mandatory)][string]$ClientId,
    [Parameter(Mandatory)][string]$ClientSecret,
    [string]$MotoUrl
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../../build/DocsLib.psm1')

# Nothing from the developer's own Databricks or AWS set-up may leak into the examples.
Get-ChildItem env: | Where-Object Name -like 'DATABRICKS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
$env:DATABRICKS_CONFIG_FILE = Join-Path ([IO.Path]::GetTempPath()) "no-databrickscfg-$PID"
if ($MotoUrl) {
    $env:AWS_ENDPOINT_URL = $MotoUrl
    $env:AWS_REGION = 'us-east-1'
    $env:AWS_DEFAULT_REGION = 'us-east-1'
    $env:AWS_ACCESS_KEY_ID = 'testing'
    $env:AWS_SECRET_ACCESS_KEY = 'testing'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Remove-Item env:AWS_PROFILE, env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
}

$page = Read-DocsPage $PagePath
$rs = [runspacefactory]::CreateRunspace($Host, [initialsessionstate]::CreateDefault2())
$rs.Open()

function Invoke-Block([string]$Code, [hashtable]$Parameters = @{}) {
    $ps = [powershell]::Create()
    $ps.Runspace = $rs
    [void]$ps.AddScript($Code)
    foreach ($k in $Parameters.Keys) { [void]$ps.AddParameter($k, $Parameters[$k]) }
    [void]$ps.AddCommand('Out-String').AddParameter('Width', 160)
    $exception = $null; $output = ''
    try { $output = (@($ps.Invoke()) -join '') }
    catch { $exception = $_.Exception.InnerException ?? $_.Exception }
    $errors = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
    $ps.Dispose()
    [pscustomobject]@{ Errors = $errors; Exception = $(if ($exception) { "$($exception.GetType().Name): $($exception.Message)" }); Output = $output }
}

$results = [System.Collections.Generic.List[object]]::new()
$setup = Invoke-Block -Code @'
param($Module, $Url, $AccountId, $ClientId, $ClientSecret)
Import-Module $Module
$ctx = Connect-DbxAccount -AccountHost $Url -AccountId $AccountId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString $ClientSecret -AsPlainText -Force)
'@ -Parameters @{ Module = $Module; Url = $EmulatorUrl; AccountId = $AccountId; ClientId = $ClientId; ClientSecret = $ClientSecret }
$results.Add([pscustomobject]@{ Example = '(set-up: Import-Module, $ctx = Connect-DbxAccount)'; Line = 0; Skipped = $false; Errors = $setup.Errors; Exception = $setup.Exception })

if (-not $setup.Errors -and -not $setup.Exception) {
    foreach ($e in $page.Examples) {
        foreach ($b in $e.Blocks) {
            if ($b.Illustration) { $results.Add([pscustomobject]@{ Example = $e.Title; Line = $b.Line; Skipped = $true; Errors = @(); Exception = $null }); continue }
            $r = Invoke-Block -Code $b.Code
            $results.Add([pscustomobject]@{ Example = $e.Title; Line = $b.Line; Skipped = $false; Errors = $r.Errors; Exception = $r.Exception })
        }
    }
}
$rs.Dispose()
ConvertTo-Json -InputObject @($results) -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
