<#
  Runs the EXAMPLES code blocks of docs/cmdlets pages. Each page runs its blocks in order in a fresh runspace, with
  the built module imported, $ctx connected to an emulator of its own (started here from -EmulatorDll, or the given
  -EmulatorUrl) and the AWS variables pointing at moto; between pages the environment variables and the session's
  default contexts are reset, so pages cannot disturb each other. Writes one JSON record per block (page, errors,
  exception, skipped illustration) to -ResultFile. Used by Examples.Tests.ps1 and Docs.Tests.ps1.
#>
param(
    [string[]]$PagePath,
    # A file with one page path per line (pwsh -File cannot pass an array).
    [string]$PageListFile,
    [Parameter(Mandatory)][string]$Module,
    [string]$EmulatorUrl,
    [string]$EmulatorDll,
    [Parameter(Mandatory)][string]$ResultFile,
    [Parameter(Mandatory)][string]$AccountId,
    [Parameter(Mandatory)][string]$ClientId,
    [Parameter(Mandatory)][string]$ClientSecret,
    [string]$MotoUrl
)
$ErrorActionPreference = 'Stop'
if ($PageListFile) { $PagePath = @(Get-Content $PageListFile | Where-Object { $_ }) }
if (-not $PagePath) { throw 'Give -PagePath or -PageListFile.' }
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

Import-Module (Join-Path $PSScriptRoot '../../../build/Services.psm1')
$rs = $null

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

function Invoke-Page([string]$Path, [string]$Url) {
$page = Read-DocsPage $Path
$setup = Invoke-Block -Code @'
param($Module, $Url, $AccountId, $ClientId, $ClientSecret)
Import-Module $Module
# The lockout guard asks the emulator, not the internet, for the address it sees (127.0.0.1).
$env:DBX_CALLER_IP_URL = "$($Url.TrimEnd('/'))/checkip"
$ctx = Connect-DbxAccount -AccountHost $Url -AccountId $AccountId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString $ClientSecret -AsPlainText -Force)
'@ -Parameters @{ Module = $Module; Url = $Url; AccountId = $AccountId; ClientId = $ClientId; ClientSecret = $ClientSecret }
[pscustomobject]@{ Page = $page.Name; Example = '(set-up: Import-Module, $ctx = Connect-DbxAccount)'; Line = 0; Skipped = $false; Errors = $setup.Errors; Exception = $setup.Exception }

if (-not $setup.Errors -and -not $setup.Exception) {
    foreach ($e in $page.Examples) {
        foreach ($b in $e.Blocks) {
            if ($b.Illustration) { [pscustomobject]@{ Page = $page.Name; Example = $e.Title; Line = $b.Line; Skipped = $true; Errors = @(); Exception = $null }; continue }
            $r = Invoke-Block -Code $b.Code
            [pscustomobject]@{ Page = $page.Name; Example = $e.Title; Line = $b.Line; Skipped = $false; Errors = $r.Errors; Exception = $r.Exception }
        }
    }
}
}

$baseEnv = @{}
Get-ChildItem env: | ForEach-Object { $baseEnv[$_.Name] = $_.Value }
$results = foreach ($path in $PagePath) {
    $emulator = $null
    try {
        $url = $EmulatorUrl
        if ($EmulatorDll) {
            $emuArgs = @('--quiet'); if ($MotoUrl) { $emuArgs += @('--aws-endpoint', $MotoUrl) }
            $emulator = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments $emuArgs
            $url = $emulator.Url
        }
        $rs = [runspacefactory]::CreateRunspace($Host, [initialsessionstate]::CreateDefault2())
        $rs.Open()
        Invoke-Page -Path $path -Url $url
    }
    catch {
        [pscustomobject]@{ Page = [IO.Path]::GetFileNameWithoutExtension($path); Example = '(runner)'; Line = 0; Skipped = $false; Errors = @("$_"); Exception = $null }
    }
    finally {
        if ($rs) { $rs.Dispose() }
        if ($emulator) { $emulator | Stop-TestService }
        # Reset what a page may have changed in the process: environment variables and the default contexts.
        Get-ChildItem env: | Where-Object { -not $baseEnv.ContainsKey($_.Name) } | ForEach-Object { Remove-Item "env:$($_.Name)" }
        foreach ($k in $baseEnv.Keys) { if ([Environment]::GetEnvironmentVariable($k) -ne $baseEnv[$k]) { [Environment]::SetEnvironmentVariable($k, $baseEnv[$k]) } }
        $session = 'DatabricksNetworking.Client.DbxSession' -as [type]
        if ($session) { $session::DefaultAccount = $null; $session::DefaultWorkspace = $null }
    }
}
ConvertTo-Json -InputObject @($results) -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
