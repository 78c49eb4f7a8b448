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
        'Connect-DbxAccount'
        'Connect-DbxWorkspace'
        'Disconnect-DbxAccount'
        'Disconnect-DbxWorkspace'
        'Get-DbxContext'
        'Get-DbxNetworkConfiguration'
        'Get-DbxPrivateAccessSettings'
        'Get-DbxVpcEndpointRegistration'
        'Get-DbxWorkspace'
        'Invoke-DbxApi'
        'New-DbxNetworkConfiguration'
        'New-DbxPrivateAccessSettings'
        'New-DbxVpcEndpointRegistration'
        'Remove-DbxNetworkConfiguration'
        'Remove-DbxPrivateAccessSettings'
        'Remove-DbxVpcEndpointRegistration'
        'Set-DbxPrivateAccessSettings'
        'Set-DbxWorkspaceNetwork'
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
