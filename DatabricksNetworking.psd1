@{
    RootModule           = 'DatabricksNetworking.PowerShell.dll'
    # The version comes from Directory.Build.props; build.ps1 writes it into the built manifest.
    ModuleVersion        = '0.1.0'
    GUID                 = '8b7d0c52-3f4e-4a61-9d2b-6c5e1f0a7b38'
    Author               = 'DatabricksNetworking contributors'
    CompanyName          = 'DatabricksNetworking'
    Copyright            = '(c) DatabricksNetworking contributors. MIT License.'
    Description          = 'Build, change and audit the network setup of Databricks on AWS: customer-managed VPCs, PrivateLink, IP access lists, serverless network connectivity and network policies, with the AWS side through the AWS SDK for .NET.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('DatabricksNetworking.Format.ps1xml')
    TypesToProcess       = @('DatabricksNetworking.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-DbxIpAccessListEntry'
        'Add-DbxNetworkPolicyDestination'
        'Connect-DbxAccount'
        'Connect-DbxWorkspace'
        'Disable-DbxAccountIpAccessListFeature'
        'Disable-DbxIpAccessListFeature'
        'Disconnect-DbxAccount'
        'Disconnect-DbxWorkspace'
        'Enable-DbxAccountIpAccessListFeature'
        'Enable-DbxIpAccessListFeature'
        'Get-DbxAccountIpAccessList'
        'Get-DbxAccountIpAccessListFeature'
        'Get-DbxAwsCallerIdentity'
        'Get-DbxAwsVpcEndpoint'
        'Get-DbxContext'
        'Get-DbxFirewallRequirement'
        'Get-DbxIpAccessList'
        'Get-DbxIpAccessListFeature'
        'Get-DbxNetworkConnectivityConfig'
        'Get-DbxNetworkPolicy'
        'Get-DbxPrivateEndpointRule'
        'Get-DbxPrivateLinkService'
        'Get-DbxPublishedIpRange'
        'Get-DbxServerlessEgressIp'
        'Get-DbxWorkspace'
        'Get-DbxWorkspaceNetworkPolicy'
        'Invoke-DbxApi'
        'New-DbxAccountIpAccessList'
        'New-DbxAwsSecurityGroup'
        'New-DbxAwsVpcEndpoint'
        'New-DbxAwsVpcPeering'
        'New-DbxIpAccessList'
        'New-DbxNetworkConnectivityConfig'
        'New-DbxNetworkPolicy'
        'New-DbxPrivateEndpointRule'
        'Remove-DbxAccountIpAccessList'
        'Remove-DbxIpAccessList'
        'Remove-DbxIpAccessListEntry'
        'Remove-DbxNetworkConnectivityConfig'
        'Remove-DbxNetworkPolicy'
        'Remove-DbxNetworkPolicyDestination'
        'Remove-DbxPrivateEndpointRule'
        'Set-DbxAccountIpAccessList'
        'Set-DbxIpAccessList'
        'Set-DbxNetworkPolicy'
        'Set-DbxWorkspaceNetworkPolicy'
        'Start-DbxEmulator'
        'Stop-DbxEmulator'
        'Test-DbxAwsVpc'
        'Test-DbxIpAccess'
        'Update-DbxAccountIpAccessList'
        'Update-DbxIpAccessList'
        'Update-DbxPrivateEndpointRule'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Databricks', 'AWS', 'Networking', 'PrivateLink', 'VPC', 'IPAccessList', 'Serverless', 'Compliance', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/databricksnetworking/DatabricksNetworking'
            LicenseUri   = 'https://github.com/databricksnetworking/DatabricksNetworking/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
