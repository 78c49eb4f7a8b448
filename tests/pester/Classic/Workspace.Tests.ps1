BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:wsPath = '/api/2.0/accounts/{account_id}/workspaces'

    function New-TestWorkspace([string]$Name, [string]$NetworkId, [string]$PasId, [string]$Region = 'us-east-1') {
        $body = @{ workspace_name = $Name; aws_region = $Region; credentials_id = '3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80'; storage_configuration_id = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91' }
        if ($NetworkId) { $body.network_id = $NetworkId }
        if ($PasId) { $body.private_access_settings_id = $PasId }
        $ws = Invoke-DbxApi Post $wsPath -Body $body
        $ws.workspace_status | Should -Be 'PROVISIONING'
        Wait-TestWorkspace $ws.workspace_id
    }
    function Wait-TestWorkspace([long]$Id) {
        # Polls until the workspace leaves PROVISIONING (the emulator provisions in about a second).
        for ($i = 0; $i -lt 60; $i++) {
            $w = Get-DbxWorkspace -WorkspaceId $Id
            if ($w.WorkspaceStatus -ne 'PROVISIONING') { return $w }
            Start-Sleep -Milliseconds 250
        }
        throw "Workspace $Id is still PROVISIONING."
    }
    function New-TestNetworkConfig([hashtable]$MotoArgs = @{}, [string[]]$Rest, [string[]]$Relay) {
        $aws = New-MotoWorkspaceNetwork @MotoArgs
        $p = @{ Name = (New-TestName 'wsnet'); VpcId = $aws.VpcId; SubnetId = $aws.SubnetIds; SecurityGroupId = $aws.SecurityGroupIds }
        if ($Rest) { $p.RestApiVpcEndpointId = $Rest }
        if ($Relay) { $p.DataplaneRelayVpcEndpointId = $Relay }
        New-DbxNetworkConfiguration @p
    }
    function Get-ApiError([scriptblock]$Call) { try { & $Call; $null } catch { $_ } }
}

Describe 'Get-DbxWorkspace' {
    It 'gets by id (also from the pipeline), by name with wildcards, and all' {
        (Get-DbxWorkspace -WorkspaceId 2222222222222222).WorkspaceName | Should -Be 'prod-us'
        @(Get-DbxWorkspace -Name 'prod-*').WorkspaceName | Sort-Object | Should -Be @('prod-eu', 'prod-us')
        @(Get-DbxWorkspace).WorkspaceId | Should -Contain 3333333333333333
        (Get-DbxWorkspace -Name dev-us | Get-DbxWorkspace).Region | Should -Be 'us-east-1'
        Get-DbxWorkspace -Name 'no-such-ws' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceNotFound*'
    }
}

Describe 'Set-DbxWorkspaceNetwork -WhatIf validates as far as reading allows' {
    It '<What> fails under -WhatIf with <ErrorId>, and nothing is written' -ForEach @(
        @{ What = 'a network for a running Databricks-managed VPC workspace'; Params = @{ WorkspaceId = 3333333333333333; NetworkId = '7d2f7b7e-1c3a-4c55-9a0e-0f1e2d3c4b5a' }; ErrorId = 'DbxInvalidWorkspaceState' }
        @{ What = 'a network connectivity configuration that does not exist'; Params = @{ WorkspaceId = 2222222222222222; NetworkConnectivityConfigId = '0d3a4f5e-1234-4c8a-9f00-123456789abc' }; ErrorId = 'DbxApiResourceDoesNotExist' }
    ) {
        $writes = Get-EmulatorWriteCount
        Set-DbxWorkspaceNetwork @Params -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        Get-EmulatorWriteCount | Should -Be $writes
    }
}

Describe 'A front-end and back-end PrivateLink workspace, built from zero' {
    BeforeAll {
        # AWS: the workspace VPC with the back-end endpoints, and a transit VPC with the front-end endpoint.
        $script:aws = New-MotoWorkspaceNetwork
        $transit = New-MotoVpc
        $script:regs = @(
            New-MotoVpcEndpoint -VpcId $aws.VpcId -Service Workspace
            New-MotoVpcEndpoint -VpcId $aws.VpcId -Service Relay
            New-MotoVpcEndpoint -VpcId $transit -Service Workspace
        ) | New-DbxVpcEndpointRegistration -Wait
        $script:backRest, $script:backRelay, $script:front = $regs
        $script:net = New-DbxNetworkConfiguration -Name (New-TestName 'plnet') -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds `
            -RestApiVpcEndpointId $backRest.VpcEndpointId -DataplaneRelayVpcEndpointId $backRelay.VpcEndpointId
        $script:pas = New-DbxPrivateAccessSettings -Name (New-TestName 'plpas') -Region us-east-1 -PrivateAccessLevel Endpoint -AllowedVpcEndpointId $front.VpcEndpointId, $backRest.VpcEndpointId
        $script:ws = New-TestWorkspace -Name (New-TestName 'pl') -NetworkId $net.NetworkId -PasId $pas.PrivateAccessSettingsId
    }
    AfterAll {
        Invoke-DbxApi Delete "$wsPath/$($ws.WorkspaceId)" | Out-Null
        Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force -ErrorAction SilentlyContinue
        Get-DbxNetworkConfiguration | Where-Object { $_.VpcId -eq $aws.VpcId -or $_.NetworkName -like 'wsnet-*' } | Where-Object { -not $_.WorkspaceId } | Remove-DbxNetworkConfiguration -Force -ErrorAction SilentlyContinue
        $regs | Remove-DbxVpcEndpointRegistration -Force -ErrorAction SilentlyContinue
    }

    It 'runs with the network validated and attached' {
        $ws.WorkspaceStatus | Should -Be 'RUNNING'
        $ws.NetworkId | Should -Be $net.NetworkId
        $ws.PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
        $n = Get-DbxNetworkConfiguration -NetworkId $net.NetworkId
        $n.VpcStatus | Should -Be 'VALID'
        $n.WorkspaceId | Should -Be $ws.WorkspaceId
        $n.RestApiVpcEndpointIds | Should -Be @($backRest.VpcEndpointId)
        $front.UseCase | Should -Be 'GENERAL_ACCESS'
        $backRelay.UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
    }

    It 'refuses to remove <What> in use: locally naming the workspace with no DELETE sent, and at the emulator with INVALID_STATE' -ForEach @(
        @{ What = 'the network configuration'; Remove = { Remove-DbxNetworkConfiguration $net.NetworkId -Force -ErrorAction Stop }; Path = { "/api/2.0/accounts/{account_id}/networks/$($net.NetworkId)" }; Id = 'DbxNetworkInUse' }
        @{ What = 'the private access settings'; Remove = { Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force -ErrorAction Stop }; Path = { "/api/2.0/accounts/{account_id}/private-access-settings/$($pas.PrivateAccessSettingsId)" }; Id = 'DbxPrivateAccessSettingsInUse' }
        @{ What = 'the relay registration (through the network)'; Remove = { Remove-DbxVpcEndpointRegistration $backRelay.VpcEndpointId -Force -ErrorAction Stop }; Path = { "/api/2.0/accounts/{account_id}/vpc-endpoints/$($backRelay.VpcEndpointId)" }; Id = 'DbxVpcEndpointInUse' }
        @{ What = 'the front-end registration (through the settings)'; Remove = { Remove-DbxVpcEndpointRegistration $front.VpcEndpointId -Force -ErrorAction Stop }; Path = { "/api/2.0/accounts/{account_id}/vpc-endpoints/$($front.VpcEndpointId)" }; Id = 'DbxVpcEndpointInUse' }
    ) {
        Reset-EmulatorRequests
        $err = Get-ApiError $Remove
        $err.FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err.Exception.Message | Should -Match "$($ws.WorkspaceName)"
        @((Get-EmulatorRequests).by_route.PSObject.Properties.Name | Where-Object { $_ -like 'DELETE*' }) | Should -BeNullOrEmpty
        $api = Get-ApiError { Invoke-DbxApi Delete (& $Path) -ErrorAction Stop }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
        $api.Exception.Message | Should -Match "$($ws.WorkspaceId)"
    }

    It 'cannot remove PrivateLink or convert back to a Databricks-managed VPC (emulator), and the cmdlet takes no empty id' {
        $e1 = Get-ApiError { Invoke-DbxApi Patch "$wsPath/$($ws.WorkspaceId)" -Query @{ update_mask = 'private_access_settings_id' } -Body @{ private_access_settings_id = '' } -ErrorAction Stop }
        $e1.Exception.Message | Should -Match 'PrivateLink cannot be removed'
        $e2 = Get-ApiError { Invoke-DbxApi Patch "$wsPath/$($ws.WorkspaceId)" -Query @{ update_mask = 'network_id' } -Body @{} -ErrorAction Stop }
        $e2.Exception.Message | Should -Match 'cannot be converted back'
        $before = Get-EmulatorRequestCount
        { Set-DbxWorkspaceNetwork $ws.WorkspaceId -PrivateAccessSettingsId '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { Set-DbxWorkspaceNetwork $ws.WorkspaceId -ErrorAction Stop } | Should -Throw -ErrorId 'DbxNothingToChange*'
        (Get-EmulatorRequestCount) - $before | Should -Be 0
        (Get-DbxWorkspace -WorkspaceId $ws.WorkspaceId).PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
    }

    It 'refuses private access settings of another region, locally and at the emulator' {
        $eu = New-DbxPrivateAccessSettings -Name (New-TestName 'eupas') -Region eu-west-1
        $err = Get-ApiError { Set-DbxWorkspaceNetwork $ws.WorkspaceId -PrivateAccessSettingsId $eu.PrivateAccessSettingsId -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxRegionMismatch*'
        $api = Get-ApiError { Invoke-DbxApi Patch "$wsPath/$($ws.WorkspaceId)" -Query @{ update_mask = 'private_access_settings_id' } -Body @{ private_access_settings_id = $eu.PrivateAccessSettingsId } -ErrorAction Stop }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $api.Exception.Message | Should -Match 'eu-west-1'
        Remove-DbxPrivateAccessSettings $eu.PrivateAccessSettingsId -Force
    }

    It 'refuses a network configuration another workspace uses, locally and at the emulator' {
        $net2 = New-TestNetworkConfig
        $ws2 = New-TestWorkspace -Name (New-TestName 'second') -NetworkId $net2.NetworkId
        try {
            $err = Get-ApiError { Set-DbxWorkspaceNetwork $ws2.WorkspaceId -NetworkId $net.NetworkId -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'DbxNetworkInUse*'
            $err.Exception.Message | Should -Match "$($ws.WorkspaceId)"
            $api = Get-ApiError { Invoke-DbxApi Patch "$wsPath/$($ws2.WorkspaceId)" -Query @{ update_mask = 'network_id' } -Body @{ network_id = $net.NetworkId } -ErrorAction Stop }
            $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
            (Get-DbxWorkspace -WorkspaceId $ws2.WorkspaceId).NetworkId | Should -Be $net2.NetworkId
        }
        finally { Invoke-DbxApi Delete "$wsPath/$($ws2.WorkspaceId)" | Out-Null }
        (Get-DbxNetworkConfiguration -NetworkId $net2.NetworkId).VpcStatus | Should -Be 'UNATTACHED'
        Remove-DbxNetworkConfiguration $net2.NetworkId -Force
    }

    It 'refuses (emulator, with AWS) a network configuration whose VPC is in another region' {
        $west = New-MotoWorkspaceNetwork -Region us-west-2
        $wnet = New-DbxNetworkConfiguration -Name (New-TestName 'westnet') -VpcId $west.VpcId -SubnetId $west.SubnetIds -SecurityGroupId $west.SecurityGroupIds
        # -Force: the new network has no PrivateLink endpoints, so the public-access guard would stop the move first.
        $err = Get-ApiError { Set-DbxWorkspaceNetwork $ws.WorkspaceId -NetworkId $wnet.NetworkId -Force -WarningAction SilentlyContinue -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $err.Exception.Message | Should -Match "workspace's region"
        (Get-DbxWorkspace -WorkspaceId $ws.WorkspaceId).NetworkId | Should -Be $net.NetworkId
        Remove-DbxNetworkConfiguration $wnet.NetworkId -Force
    }

    It 'moves the running customer-managed VPC workspace to a new network and it stays RUNNING; the old one is freed' {
        $new = New-TestNetworkConfig -Rest $backRest.VpcEndpointId -Relay $backRelay.VpcEndpointId
        $out = Set-DbxWorkspaceNetwork $ws.WorkspaceId -NetworkId $new.NetworkId
        $out.WorkspaceStatus | Should -Be 'RUNNING'
        $out.NetworkId | Should -Be $new.NetworkId
        (Get-DbxNetworkConfiguration -NetworkId $new.NetworkId).VpcStatus | Should -Be 'VALID'
        $old = Get-DbxNetworkConfiguration -NetworkId $net.NetworkId
        $old.VpcStatus | Should -Be 'UNATTACHED'
        $old.WorkspaceId | Should -BeNullOrEmpty
        Remove-DbxNetworkConfiguration $net.NetworkId -Force
        $script:net = $new
    }
}

Describe 'Network validation against AWS when a workspace uses a configuration' {
    AfterAll {
        Get-DbxWorkspace -Name 'val-*' | ForEach-Object { Invoke-DbxApi Delete "$wsPath/$($_.WorkspaceId)" | Out-Null }
        Get-DbxNetworkConfiguration -Name 'wsnet-*' | Where-Object { -not $_.WorkspaceId } | Remove-DbxNetworkConfiguration -Force
    }

    It '<What> makes the network <Status> (<Type>) and the workspace <WsStatus>' -ForEach @(
        @{ What = 'DNS hostnames and support off'; Moto = @{ NoDns = $true }; Status = 'BROKEN'; Type = 'vpc'; WsStatus = 'FAILED'; Pattern = 'DNS' }
        @{ What = 'both subnets in one availability zone'; Moto = @{ SameZone = $true }; Status = 'BROKEN'; Type = 'subnet'; WsStatus = 'FAILED'; Pattern = 'two availability zones' }
        @{ What = 'a /27 subnet'; Moto = @{ SubnetPrefix = 27 }; Status = 'BROKEN'; Type = 'subnet'; WsStatus = 'FAILED'; Pattern = 'netmask' }
    ) {
        $n = New-TestNetworkConfig -MotoArgs $Moto
        $w = New-TestWorkspace -Name (New-TestName 'val') -NetworkId $n.NetworkId
        $w.WorkspaceStatus | Should -Be $WsStatus
        $w.WorkspaceStatusMessage | Should -Match $Pattern
        $v = Get-DbxNetworkConfiguration -NetworkId $n.NetworkId
        $v.VpcStatus | Should -Be $Status
        $v.ErrorMessages.ErrorType | Should -Contain $Type
        ($v.ErrorMessages.ErrorMessage -join ' ') | Should -Match $Pattern
    }

    It 'a security group of another VPC is a securityGroup error; a third subnet in a used zone only a warning' {
        $aws = New-MotoWorkspaceNetwork
        $foreignSg = New-MotoSecurityGroup -VpcId (New-MotoVpc)
        $n = New-DbxNetworkConfiguration -Name (New-TestName 'wsnet') -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $foreignSg
        $w = New-TestWorkspace -Name (New-TestName 'val') -NetworkId $n.NetworkId
        $w.WorkspaceStatus | Should -Be 'FAILED'
        (Get-DbxNetworkConfiguration -NetworkId $n.NetworkId).ErrorMessages.ErrorType | Should -Be 'securityGroup'

        $aws2 = New-MotoWorkspaceNetwork
        $third = New-MotoSubnet -VpcId $aws2.VpcId -CidrBlock ($aws2.CidrBlock -replace '\.0\.0/16$', '.128.0/20') -AvailabilityZone 'us-east-1a'
        $wn = New-DbxNetworkConfiguration -Name (New-TestName 'wsnet') -VpcId $aws2.VpcId -SubnetId ($aws2.SubnetIds + $third) -SecurityGroupId $aws2.SecurityGroupIds
        # The FAILED workspace may move to another network: it is provisioned again and now runs.
        $ok = Set-DbxWorkspaceNetwork $w.WorkspaceId -NetworkId $wn.NetworkId -Wait -TimeoutSec 60
        $ok.WorkspaceStatus | Should -Be 'RUNNING'
        $v = Get-DbxNetworkConfiguration -NetworkId $wn.NetworkId
        $v.VpcStatus | Should -Be 'WARNED'
        $v.WarningMessages.WarningType | Should -Be 'subnet'
        $v.ErrorMessages | Should -BeNullOrEmpty
    }

    It '-Wait fails at once with the status message when the workspace ends FAILED' {
        $bad = New-TestNetworkConfig -MotoArgs @{ NoDns = $true }
        $w = New-TestWorkspace -Name (New-TestName 'val') -NetworkId $bad.NetworkId
        $bad2 = New-TestNetworkConfig -MotoArgs @{ SameZone = $true }
        $out = Set-DbxWorkspaceNetwork $w.WorkspaceId -NetworkId $bad2.NetworkId -Wait -TimeoutSec 60 -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceFailed*'
        $e[0].Exception.Message | Should -Match 'availability zones'
    }
}

Describe 'Wait-DbxWorkspace' {
    # The workspaces made here are deleted afterwards: the suites share one emulator, and later ones (Docs/Completion)
    # expect the demo account's three workspaces whatever order the folders run in.
    BeforeAll { $script:waitMade = [System.Collections.Generic.List[long]]::new() }
    AfterAll { foreach ($id in $waitMade) { Invoke-DbxApi Delete "$wsPath/$id" -ErrorAction SilentlyContinue | Out-Null } }

    It 'waits for a new workspace to be RUNNING; the API answer pipes in by workspace_id' {
        $ws = Invoke-DbxApi Post $wsPath -Body @{ workspace_name = (New-TestName 'wait'); aws_region = 'us-east-1'; credentials_id = '3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80'; storage_configuration_id = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91' }
        $waitMade.Add($ws.workspace_id)
        $ws.workspace_status | Should -Be 'PROVISIONING'
        $done = $ws | Wait-DbxWorkspace -TimeoutSec 60
        $done | Should -BeOfType DatabricksNetworking.Models.Workspace
        $done.WorkspaceId | Should -Be $ws.workspace_id
        $done.WorkspaceStatus | Should -Be 'RUNNING'
    }

    It 'fails at once with the status message when the workspace ends FAILED, and goes on with the next id' {
        $bad = New-TestNetworkConfig -MotoArgs @{ NoDns = $true }
        $ws = Invoke-DbxApi Post $wsPath -Body @{ workspace_name = (New-TestName 'wait'); aws_region = 'us-east-1'; credentials_id = '3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80'; storage_configuration_id = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91'; network_id = $bad.NetworkId }
        $waitMade.Add($ws.workspace_id)
        $out = @($ws.workspace_id, 2222222222222222 | Wait-DbxWorkspace -TimeoutSec 60 -ErrorVariable e -ErrorAction SilentlyContinue)
        $out.WorkspaceId | Should -Be @(2222222222222222)
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceFailed*'
        $e[0].TargetObject.WorkspaceId | Should -Be $ws.workspace_id
        $e[0].Exception.Message | Should -Match 'FAILED'
    }
}
