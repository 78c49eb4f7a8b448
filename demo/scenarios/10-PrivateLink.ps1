# Demo scenario: a back-end and front-end PrivateLink workspace built from zero against moto and the emulator
# (the emulator validates the network against the same moto, as Databricks validates against AWS).
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
    Write-Host "A VPC $($vpc.VpcId) ($($vpc.Cidr)) with two private subnets behind a NAT gateway was made in moto." -ForegroundColor Cyan

    Show "New-DbxAwsSecurityGroup -VpcId $($vpc.VpcId) -Purpose Workspace"
    $wsg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace
    $wsg.EgressRules | Format-Table | Out-Host

    Show "Test-DbxAwsVpc -VpcId $($vpc.VpcId) -SubnetId ... -SecurityGroupId $($wsg.SecurityGroupId)"
    Test-DbxAwsVpc -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $wsg.SecurityGroupId | Format-Table -Wrap | Out-Host

    Show "New-DbxAwsSecurityGroup -Purpose Endpoint; New-DbxAwsVpcEndpoint -Service Workspace, Relay -Wait"
    $esg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Endpoint -SourceSecurityGroupId $wsg.SecurityGroupId
    $endpoints = 'Workspace', 'Relay' | ForEach-Object { New-DbxAwsVpcEndpoint -Service $_ -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $esg.SecurityGroupId -Wait }
    $endpoints | Format-Table | Out-Host

    Show '$endpoints | New-DbxVpcEndpointRegistration -Wait'
    $regs = $endpoints | New-DbxVpcEndpointRegistration -Wait
    $regs | Format-Table | Out-Host
    $rest = $regs | Where-Object AwsVpcEndpointId -eq ($endpoints | Where-Object Service -eq Workspace).AwsVpcEndpointId
    $relay = $regs | Where-Object AwsVpcEndpointId -eq ($endpoints | Where-Object Service -eq Relay).AwsVpcEndpointId

    Show 'New-DbxNetworkConfiguration; New-DbxPrivateAccessSettings'
    $net = New-DbxNetworkConfiguration -Name "demo-pl-net-$($vpc.VpcId)" -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $wsg.SecurityGroupId `
        -RestApiVpcEndpointId $rest.VpcEndpointId -RelayVpcEndpointId $relay.VpcEndpointId
    $pas = New-DbxPrivateAccessSettings -Name "demo-pl-pas-$($vpc.VpcId)" -Region us-east-1 -PrivateAccessLevel Endpoint -AllowedVpcEndpointId $rest.VpcEndpointId
    $net, $pas | Format-List | Out-Host

    Show 'Get-DbxCredentialConfiguration; Get-DbxStorageConfiguration   # the ids a new workspace needs'
    $cred = Get-DbxCredentialConfiguration | Select-Object -First 1
    $root = Get-DbxStorageConfiguration | Select-Object -First 1
    $cred, $root | Format-List | Out-Host
    Show "New-DbxWorkspace -Name demo-privatelink -Region us-east-1 -PricingTier Enterprise -NetworkId $($net.NetworkId) -Wait"
    $ws = New-DbxWorkspace -Name 'demo-privatelink' -Region us-east-1 -PricingTier Enterprise -CredentialsId $cred.CredentialsId `
        -StorageConfigurationId $root.StorageConfigurationId -NetworkId $net.NetworkId -Wait -TimeoutSec 60
    $ws | Format-Table | Out-Host
    Show "Set-DbxWorkspaceNetwork -WorkspaceId $($ws.WorkspaceId) -PrivateAccessSettingsId $($pas.PrivateAccessSettingsId)   # public access off, no front-end PrivateLink"
    try { Set-DbxWorkspaceNetwork -WorkspaceId $ws.WorkspaceId -NetworkId $net.NetworkId -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -ErrorAction Stop | Out-Null }
    catch { Write-Host "$($_.FullyQualifiedErrorId -replace ',.*'): $($_.Exception.Message)" -ForegroundColor DarkYellow }

    Show "Set-DbxPrivateAccessSettings -PrivateAccessSettingsId $($pas.PrivateAccessSettingsId) -PublicAccessEnabled   # back-end PrivateLink; users over the internet"
    $pas = Set-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -PublicAccessEnabled
    Show "Set-DbxWorkspaceNetwork -WorkspaceId $($ws.WorkspaceId) -PrivateAccessSettingsId $($pas.PrivateAccessSettingsId) -Wait"
    Set-DbxWorkspaceNetwork -WorkspaceId $ws.WorkspaceId -NetworkId $net.NetworkId -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -Wait | Format-Table | Out-Host
    Get-DbxNetworkConfiguration -NetworkId $net.NetworkId | Format-Table | Out-Host

    Show 'A broken VPC (DNS hostnames off, one zone): Test-DbxAwsVpc ... | Where-Object -not Passed'
    $bad = New-MotoVpc -Broken
    Test-DbxAwsVpc -VpcId $bad.VpcId -SubnetId $bad.SubnetIds -WarningAction SilentlyContinue | Where-Object -Not Passed | Format-List Name, Detail, HowToFix | Out-Host
}
finally { Restore-MotoAwsEnvironment $saved }
