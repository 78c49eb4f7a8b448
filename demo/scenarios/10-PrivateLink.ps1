# Demo scenario: a back-end PrivateLink workspace deployed into a VPC with one resumable command, plan first, against
# moto and the emulator (the emulator validates the network against the same moto, as Databricks validates against AWS).
# The later scenes use the seed's workspaces, not this one.
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
try {
    Show 'Get-DbxAwsCallerIdentity'
    Get-DbxAwsCallerIdentity | Format-Table | Out-Host

    $vpc = New-MotoVpc
    Write-Host "A VPC $($vpc.VpcId) ($($vpc.Cidr)) with two private subnets behind a NAT gateway and an endpoint subnet was made in moto." -ForegroundColor Cyan

    Show 'Get-DbxCredentialConfiguration; Get-DbxStorageConfiguration   # the ids a new workspace needs'
    $cred = Get-DbxCredentialConfiguration | Select-Object -First 1
    $root = Get-DbxStorageConfiguration | Select-Object -First 1
    $cred | Format-Table CredentialsId, CredentialsName, RoleArn | Out-Host
    $root | Format-Table StorageConfigurationId, StorageConfigurationName, BucketName | Out-Host

    $deploy = @{
        Name = 'demo-privatelink'; Region = 'us-east-1'; VpcId = $vpc.VpcId; SubnetId = $vpc.SubnetIds; EndpointSubnetId = $vpc.EndpointSubnetId
        CredentialsId = $cred.CredentialsId; StorageConfigurationId = $root.StorageConfigurationId
    }
    $line = "Deploy-DbxPrivateLinkWorkspace -Name demo-privatelink -Region us-east-1 -VpcId $($vpc.VpcId) -SubnetId ... -EndpointSubnetId $($vpc.EndpointSubnetId) -CredentialsId ... -StorageConfigurationId ..."
    Show "$line -WhatIf   # the plan: what it would create; nothing is created"
    Deploy-DbxPrivateLinkWorkspace @deploy -WhatIf

    Show "`$d = $line"
    $d = Deploy-DbxPrivateLinkWorkspace @deploy
    $d | Format-List Name, WorkspaceId, WorkspaceStatus, NetworkId, PrivateAccessSettingsId, RestApiVpcEndpointId, RelayVpcEndpointId, WorkspaceSecurityGroupId, EndpointSecurityGroupId | Out-Host
    $d.Steps | Format-Table Order, Kind, Action, Status, Target, Id | Out-Host
    Get-DbxNetworkConfiguration -NetworkId $d.NetworkId | Format-Table | Out-Host

    Show "$line   # again: finds everything, creates nothing"
    $again = Deploy-DbxPrivateLinkWorkspace @deploy
    $again.Steps | Format-Table Order, Kind, Action, Status, Id | Out-Host
    Write-Host "Created $($again.Created.Count), reused $($again.Reused.Count); the same workspace: $($again.WorkspaceId -eq $d.WorkspaceId)." -ForegroundColor Cyan

    Show "Set-DbxPrivateAccessSettings -PrivateAccessSettingsId $($d.PrivateAccessSettingsId) -PublicAccessEnabled:`$false   # no front-end PrivateLink yet"
    try { Set-DbxPrivateAccessSettings -PrivateAccessSettingsId $d.PrivateAccessSettingsId -PublicAccessEnabled:$false -ErrorAction Stop | Out-Null }
    catch { Write-Host "$($_.FullyQualifiedErrorId -replace ',.*'): $($_.Exception.Message)" -ForegroundColor DarkYellow }

    Show 'A broken VPC (DNS hostnames off, one zone): Deploy-DbxPrivateLinkWorkspace -Name demo-broken -VpcId <broken> ...'
    $bad = New-MotoVpc -Broken
    $broken = $deploy.Clone(); $broken.Name = 'demo-broken'; $broken.VpcId = $bad.VpcId; $broken.SubnetId = $bad.SubnetIds; $broken.EndpointSubnetId = $bad.EndpointSubnetId
    Deploy-DbxPrivateLinkWorkspace @broken -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
    Write-Host "$($refused[0].FullyQualifiedErrorId -replace ',.*'): $($refused[0].Exception.Message)" -ForegroundColor DarkYellow
    Show "Deploy-DbxPrivateLinkWorkspace ... -PlanOnly | Where-Object Action -eq Blocked"
    Deploy-DbxPrivateLinkWorkspace @broken -PlanOnly | Where-Object Action -eq Blocked | Format-List Kind, Detail, HowToFix | Out-Host
}
finally { Restore-MotoAwsEnvironment $saved }
