# Demo scenario: serverless egress — a network connectivity configuration with a private endpoint rule to S3, the
# egress addresses to allow in firewalls, and a network policy moved from dry run to enforced on a workspace.
param(
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$MotoUrl,
    [Parameter(Mandatory)]$Context
)
$ErrorActionPreference = 'Stop'
function Show([string]$Command) { Write-Host "`n> $Command" -ForegroundColor Yellow }
$ncc = $null; $policy = $null
try {
    Show 'New-DbxNetworkConnectivityConfig -Name demo-ncc -Region us-east-1'
    $ncc = New-DbxNetworkConnectivityConfig -Name "demo-ncc-$PID" -Region us-east-1
    $ncc | Format-Table | Out-Host

    Show '$ncc | New-DbxPrivateEndpointRule -S3BucketName demo-lake-raw -Wait'
    $ncc | New-DbxPrivateEndpointRule -S3BucketName 'demo-lake-raw' -Wait | Format-Table | Out-Host

    Show "`$ncc | Get-DbxServerlessEgressIp -PublishedIpRangeUri $EmulatorUrl/_emulator/ip-ranges.json"
    $ncc | Get-DbxServerlessEgressIp -PublishedIpRangeUri "$EmulatorUrl/_emulator/ip-ranges.json" | Format-Table | Out-Host

    Show 'New-DbxNetworkPolicy -NetworkPolicyId demo-strict -RestrictionMode RestrictedAccess -AllowedDomain pypi.org -EnforcementMode DryRun'
    $policy = New-DbxNetworkPolicy -NetworkPolicyId "demo-strict-$PID" -RestrictionMode RestrictedAccess -AllowedDomain 'pypi.org' -AllowedS3Bucket 'demo-lake-raw@us-east-1' -EnforcementMode DryRun
    $policy | Format-Table | Out-Host

    Show "Get-DbxWorkspace -Name dev-us | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId $($policy.NetworkPolicyId)"
    Get-DbxWorkspace -Name 'dev-us' | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId $policy.NetworkPolicyId -PassThru | Format-Table | Out-Host

    Show "Set-DbxNetworkPolicy -NetworkPolicyId $($policy.NetworkPolicyId) -EnforcementMode Enforced"
    Set-DbxNetworkPolicy -NetworkPolicyId $policy.NetworkPolicyId -EnforcementMode Enforced -PassThru | Format-Table | Out-Host
}
finally {
    Get-DbxWorkspace -Name 'dev-us' | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId 'default-policy' -ErrorAction SilentlyContinue | Out-Null
    if ($policy) { Remove-DbxNetworkPolicy -NetworkPolicyId $policy.NetworkPolicyId -Force -ErrorAction SilentlyContinue }
    if ($ncc) { $ncc | Remove-DbxNetworkConnectivityConfig -Force -ErrorAction SilentlyContinue }
}
