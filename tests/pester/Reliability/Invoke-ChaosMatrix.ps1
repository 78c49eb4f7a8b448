<#
  Runs every Get-/list cmdlet of the module against an emulator in chaos mode, once per kind of hostile answer and
  then with a random kind per request, and writes what each call ended in as JSON. Runs in its own pwsh process
  (Chaos.Tests.ps1 starts it), so a crash or a hang of the process is seen from outside.
#>
param(
    [Parameter(Mandatory)][string]$Module,
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$ResultFile,
    # The emulator's admin token (its /_emulator/chaos route needs it).
    [string]$AdminToken = $env:DBX_EMULATOR_ADMIN_TOKEN,
    [string]$AccountId = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37',
    [string]$ClientId = '9f1e2d3c-4b5a-4968-8776-655443322110',
    [string]$ClientSecret = 'dosedemo0123456789abcdef0123456789ab',
    [int]$RandomRounds = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1')
$ws = [long]1111111111111111
function Set-Chaos([double]$Rate, [string]$Kind = '') { Invoke-RestMethod -Method Post "$EmulatorUrl/_emulator/chaos?rate=$Rate&kind=$Kind" -Headers @{ 'X-Emulator-Admin-Token' = $AdminToken } | Out-Null }

$ctx = Connect-DbxAccount -AccountHost $EmulatorUrl -AccountId $AccountId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString $ClientSecret -AsPlainText -Force)
# One object in every collection, made before the chaos starts, so a call that ends quietly with nothing is visible.
Set-Chaos 0
New-DbxIpAccessList -WorkspaceId $ws -Label chaos -ListType Block -IpAddress 192.0.2.0/24 -CallerIpAddress 127.0.0.1 | Out-Null
New-DbxAccountIpAccessList -Label chaos -ListType Block -IpAddress 192.0.2.0/24 -CallerIpAddress 127.0.0.1 | Out-Null
$ncc = New-DbxNetworkConnectivityConfig -Name chaos-ncc -Region us-east-1
New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -S3BucketName chaos-bucket | Out-Null
New-DbxNetworkPolicy -NetworkPolicyId chaos -RestrictionMode RestrictedAccess -AllowedDomain pypi.org -IngressRule (New-DbxIngressRule -Action Allow -Label chaos-ingress -AllIpRanges) -PublicAccessRestrictionMode FullAccess | Out-Null
New-DbxNetworkConfiguration -Name chaos-net -VpcId vpc-0a1b2c3d -SubnetId subnet-0a1b2c3d, subnet-1a1b2c3d -SecurityGroupId sg-0a1b2c3d | Out-Null
New-DbxPrivateAccessSettings -Name chaos-pas -Region eu-west-1 | Out-Null
New-DbxVpcEndpointRegistration -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -Region eu-west-1 -Name chaos-vpce | Out-Null
New-DbxNetworkEndpoint -AwsVpcEndpointId vpce-0b1b2c3d4e5f60718 -Region us-east-1 -Name chaos-endpoint | Out-Null
Set-DbxWorkspaceNetworkPolicy -WorkspaceId $ws -NetworkPolicyId chaos | Out-Null

# Short limits, so a hostile answer costs a second, not minutes: 2 attempts, half a second each.
$ctx.Retry.MaxAttempts = 2
$ctx.Retry.RequestTimeout = [TimeSpan]::FromMilliseconds(500)
$ctx.Retry.BaseBackoff = [TimeSpan]::FromMilliseconds(20)
$ctx.Retry.MaxRetryTime = [TimeSpan]::FromSeconds(5)
$nccId = $ncc.NetworkConnectivityConfigId

# Minimal invocations of the Get-/list cmdlets that need parameters; cmdlets with a parameter set that needs none
# are called bare. Cmdlets left out do not call the Databricks API (AWS, local data, the session).
$calls = [ordered]@{
    'Get-DbxIpAccessList'              = { Get-DbxIpAccessList -WorkspaceId $ws }
    'Get-DbxIpAccessList -ListId'      = { Get-DbxIpAccessList -WorkspaceId $ws -Label chaos }
    'Get-DbxIpAccessListFeature'       = { Get-DbxIpAccessListFeature -WorkspaceId $ws }
    'Get-DbxNetworkConnectivityConfig -Id' = { Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $nccId }
    'Get-DbxPrivateEndpointRule'       = { Get-DbxPrivateEndpointRule -NetworkConnectivityConfigId $nccId }
    'Get-DbxS3BucketPolicy'            = { Get-DbxS3BucketPolicy -BucketName chaos-bucket -NetworkConnectivityConfigId $nccId -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -WarningAction SilentlyContinue }
    'Get-DbxNetworkPolicyIngressRule'  = { Get-DbxNetworkPolicyIngressRule -NetworkPolicyId chaos }
    'Get-DbxServerlessEgressIp'        = { Get-DbxServerlessEgressIp -NetworkConnectivityConfigId $nccId -PublishedIpRangeUri "$EmulatorUrl/_emulator/ip-ranges.json" }
    'Get-DbxWorkspace -WorkspaceId'    = { Get-DbxWorkspace -WorkspaceId $ws }
    'Get-DbxWorkspaceNetworkPolicy -WorkspaceId' = { Get-DbxWorkspaceNetworkPolicy -WorkspaceId $ws }
    'Get-DbxNetworkPolicy -Id'         = { Get-DbxNetworkPolicy -NetworkPolicyId chaos }
    'Test-DbxIpAccess'                 = { Test-DbxIpAccess -IpAddress 192.0.2.7 -WorkspaceId $ws }
    'Test-DbxIpAccess -Account'        = { Test-DbxIpAccess -IpAddress 192.0.2.7 -Account }
    'Invoke-DbxApi'                    = { Invoke-DbxApi -Path '/api/2.0/accounts/{account_id}/workspaces' }
}
$notDatabricks = 'Get-DbxAwsCallerIdentity', 'Get-DbxAwsEndpointService', 'Get-DbxAwsVpcEndpoint', 'Get-DbxContext', 'Get-DbxPrivateLinkService', 'Get-DbxPublishedIpRange', 'Get-DbxFirewallRequirement'
$unknown = @()
foreach ($cmd in Get-Command -Module DatabricksNetworking -Verb Get | Sort-Object Name) {
    if ($cmd.Name -in $notDatabricks -or $calls.Contains($cmd.Name)) { continue }
    $bare = $cmd.ParameterSets | Where-Object { -not ($_.Parameters | Where-Object IsMandatory) }
    if ($bare) { $calls[$cmd.Name] = [scriptblock]::Create($cmd.Name) } else { $unknown += $cmd.Name }
}

# From here on errors are what is measured: none may stop the script.
$ErrorActionPreference = 'Continue'
$results = [Collections.Generic.List[object]]::new()
function Invoke-Round([string]$Kind) {
    foreach ($name in $calls.Keys) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Captured $calls[$name]
        $watch.Stop()
        $records = @($r.Errors) + @($r.Thrown | Where-Object { $_ })
        $results.Add([pscustomobject]@{
                Kind       = $Kind
                Call       = $name
                Objects    = $r.Output.Count
                Errors     = $r.Errors.Count
                Thrown     = [bool]$r.Thrown
                Seconds    = [math]::Round($watch.Elapsed.TotalSeconds, 2)
                ErrorIds   = @($records | ForEach-Object { $_.FullyQualifiedErrorId })
                Exceptions = @($records | ForEach-Object { $_.Exception.GetType().FullName })
                Messages   = @($records | ForEach-Object { "$_" })
            })
    }
}

Set-Chaos 0
Invoke-Round 'none'
foreach ($kind in 'invalid-json', 'truncated', 'html', 'wrong-types', 'huge', 'unknown-enum', 'slow-drip') {
    Set-Chaos 1 $kind
    Invoke-Round $kind
}
# A random kind on half of the requests: hostile answers in the middle of paged lists and multi-request cmdlets.
Set-Chaos 0.5
for ($i = 1; $i -le $RandomRounds; $i++) { Invoke-Round 'random' }
Set-Chaos 0

[pscustomobject]@{ Uncovered = $unknown; Results = $results } | ConvertTo-Json -Depth 5 | Set-Content -Path $ResultFile -Encoding utf8NoBOM
