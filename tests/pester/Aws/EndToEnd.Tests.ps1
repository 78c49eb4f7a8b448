# A back-end and front-end PrivateLink workspace from zero, against moto and the emulator pointed at the same moto.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment -Region us-east-1
    $script:emulator = Start-TestEmulator   # own state: this scenario adds networks and a workspace
    $script:ctx = Connect-TestAccount -Url $emulator.Url
    # Credentials and storage of the seed's us-east-1 workspace, for a new workspace in the same region.
    $script:template = Get-DbxWorkspace -WorkspaceId 2222222222222222

    function New-PrivateLinkWorkspace([pscustomobject]$Vpc, [string[]]$SecurityGroupId, [string]$Name) {
        # Registrations of both endpoints (they pipe in by AwsVpcEndpointId and Region), the network and the PAS.
        $esg = New-DbxAwsSecurityGroup -VpcId $Vpc.VpcId -Purpose Endpoint -SourceSecurityGroupId $SecurityGroupId[0]
        $endpoints = 'Workspace', 'Relay' | ForEach-Object {
            New-DbxAwsVpcEndpoint -Service $_ -VpcId $Vpc.VpcId -SubnetId $Vpc.EndpointSubnetId -SecurityGroupId $esg.SecurityGroupId -Wait
        }
        $regs = $endpoints | New-DbxVpcEndpointRegistration -Wait
        $restReg = $regs | Where-Object AwsVpcEndpointId -eq ($endpoints | Where-Object Service -eq Workspace).AwsVpcEndpointId
        $relayReg = $regs | Where-Object AwsVpcEndpointId -eq ($endpoints | Where-Object Service -eq Relay).AwsVpcEndpointId
        $net = New-DbxNetworkConfiguration -Name "$Name-net" -VpcId $Vpc.VpcId -SubnetId $Vpc.SubnetIds -SecurityGroupId $SecurityGroupId `
            -RestApiVpcEndpointId $restReg.VpcEndpointId -RelayVpcEndpointId $relayReg.VpcEndpointId
        # Back-end PrivateLink only: users still come over the internet, so public access stays on (the module refuses
        # to turn it off for a workspace without front-end PrivateLink).
        $pas = New-DbxPrivateAccessSettings -Name "$Name-pas" -Region $Vpc.Region -PrivateAccessLevel Endpoint -AllowedVpcEndpointId $restReg.VpcEndpointId -PublicAccessEnabled
        # The product's own cmdlet (its local checks first: the ids exist, the network is not used by another workspace).
        $ws = New-DbxWorkspace -Name $Name -Region $Vpc.Region -PricingTier Enterprise -NetworkId $net.NetworkId `
            -CredentialsId $template.CredentialsId -StorageConfigurationId $template.StorageConfigurationId
        $ws.WorkspaceName | Should -Be $Name
        $ws.NetworkId | Should -Be $net.NetworkId
        # A broken network fails the new workspace at once; the broken-VPC case checks that below.
        $null = Wait-DbxWorkspace -WorkspaceId $ws.WorkspaceId -TimeoutSec 60 -ErrorAction SilentlyContinue
        [pscustomobject]@{ Endpoints = $endpoints; Registrations = $regs; Network = $net; Pas = $pas; WorkspaceId = [long]$ws.WorkspaceId }
    }
}

AfterAll {
    $emulator | Stop-TestService
    Restore-MotoAwsEnvironment $saved
}

Describe 'PrivateLink workspace from zero (moto + emulator)' {
    It 'builds a front-end and back-end PrivateLink workspace that ends RUNNING with a VALID network' {
        $vpc = New-MotoVpc
        $wsg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace
        $todo = @(Test-DbxAwsVpc -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $wsg.SecurityGroupId | Where-Object -Not Passed)
        $todo | Should -BeNullOrEmpty

        $built = New-PrivateLinkWorkspace -Vpc $vpc -SecurityGroupId $wsg.SecurityGroupId -Name (New-TestName pl)
        @($built.Registrations).Count | Should -Be 2
        ($built.Registrations | Where-Object AwsVpcEndpointId -eq ($built.Endpoints | Where-Object Service -eq Relay).AwsVpcEndpointId).UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        $built.Registrations | ForEach-Object { $_.State | Should -Be 'available' }

        $ws = Set-DbxWorkspaceNetwork -WorkspaceId $built.WorkspaceId -NetworkId $built.Network.NetworkId -PrivateAccessSettingsId $built.Pas.PrivateAccessSettingsId -Wait
        $ws.WorkspaceStatus | Should -Be 'RUNNING'
        $ws.PrivateAccessSettingsId | Should -Be $built.Pas.PrivateAccessSettingsId
        (Get-DbxNetworkConfiguration -NetworkId $built.Network.NetworkId).VpcStatus | Should -Be 'VALID'
    }

    It 'catches a broken VPC with Test-DbxAwsVpc, and the emulator marks it BROKEN when forced through' {
        $vpc = New-MotoVpc -Broken
        $wsg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace
        $todo = @(Test-DbxAwsVpc -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $wsg.SecurityGroupId | Where-Object -Not Passed)
        $todo.Name | Should -Be @('DnsHostnames', 'SubnetAvailabilityZones')

        $built = New-PrivateLinkWorkspace -Vpc $vpc -SecurityGroupId $wsg.SecurityGroupId -Name (New-TestName broken)
        $null = Set-DbxWorkspaceNetwork -WorkspaceId $built.WorkspaceId -NetworkId $built.Network.NetworkId -PrivateAccessSettingsId $built.Pas.PrivateAccessSettingsId -Wait -ErrorAction SilentlyContinue
        $net = Get-DbxNetworkConfiguration -NetworkId $built.Network.NetworkId
        $net.VpcStatus | Should -Be 'BROKEN'
        $messages = ($net.ErrorMessages | ForEach-Object { $_.ErrorMessage }) -join ' '
        $messages | Should -Match 'DNS hostnames'
        $messages | Should -Match 'availability zone'
    }
}
