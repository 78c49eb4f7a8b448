# Demo scenario: serverless egress — a network connectivity configuration with private endpoint rules to S3 and to a
# database behind the customer's own NLB endpoint service (built in moto, with the Databricks principal allowed), the
# egress addresses to allow in firewalls, and a network policy moved from dry run to enforced on a workspace.
param(
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$MotoUrl,
    [Parameter(Mandatory)]$Context
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/Aws/MotoHelpers.psm1') -Force
$env:DBX_TEST_MOTO_URL = $MotoUrl
$saved = Set-MotoAwsEnvironment -Region us-east-1   # dummy keys, AWS_REGION and AWS_ENDPOINT_URL pointing at moto
function Show([string]$Command) { Write-Host "`n> $Command" -ForegroundColor Yellow }
$ncc = $null; $policy = $null
try {
    Show 'New-DbxNetworkConnectivityConfig -Name demo-ncc -Region us-east-1'
    $ncc = New-DbxNetworkConnectivityConfig -Name "demo-ncc-$PID" -Region us-east-1
    $ncc | Format-Table | Out-Host

    Show '$ncc | New-DbxPrivateEndpointRule -S3BucketName demo-lake-raw -Wait'
    $ncc | New-DbxPrivateEndpointRule -S3BucketName 'demo-lake-raw' -Wait | Format-Table | Out-Host

    # Your database sits behind an internal network load balancer (made in moto here).
    $nlb = New-MotoNetworkLoadBalancer -Region us-east-1
    Show 'New-DbxAwsEndpointService -NetworkLoadBalancerArn $nlb.NetworkLoadBalancerArn   # allows the Databricks serverless principal'
    $svc = New-DbxAwsEndpointService -NetworkLoadBalancerArn $nlb.NetworkLoadBalancerArn
    $svc | Format-List ServiceName, AcceptanceRequired, AllowedPrincipals, DatabricksAllowed | Out-Host

    Show '$svc | New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -DomainName db.corp.example.com -Wait'
    $rule = $svc | New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -DomainName 'db.corp.example.com' -Wait
    $rule | Format-Table | Out-Host
    Write-Host "# PENDING: accept the endpoint connection on $($svc.ServiceId) in AWS. moto cannot hold a connection for" -ForegroundColor DarkGray
    Write-Host '# acceptance, so the emulator stands in for your accept after its --pe-accept-delay (2 s).' -ForegroundColor DarkGray
    Start-Sleep -Seconds 3
    Show '$rule | Get-DbxPrivateEndpointRule'
    $rule | Get-DbxPrivateEndpointRule | Format-Table | Out-Host

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
    Restore-MotoAwsEnvironment $saved
}
