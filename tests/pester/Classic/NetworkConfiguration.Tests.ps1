BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:acct = (Get-TestSeed).AccountId
    function New-TestNetworkConfig([string]$Name = (New-TestName 'net')) {
        $aws = New-MotoWorkspaceNetwork
        New-DbxNetworkConfiguration -Name $Name -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds
    }
    function Get-LocalError([scriptblock]$Call) {
        $before = Get-EmulatorRequestCount
        $err = try { & $Call -ErrorAction Stop | Out-Null; $null } catch { $_ }
        [pscustomobject]@{ Error = $err; Sent = (Get-EmulatorRequestCount) - $before }
    }
}

Describe 'Network configurations: create, get, list, remove' {
    It 'creates an UNATTACHED configuration, finds it by id, by wildcard name and in the list, and removes it' {
        $name = New-TestName 'netcycle'
        $net = New-TestNetworkConfig $name
        $net.NetworkName | Should -Be $name
        $net.VpcStatus | Should -Be 'UNATTACHED'
        $net.NetworkId | Should -Match '^[0-9a-f-]{36}$'
        (Get-DbxNetworkConfiguration -NetworkId $net.NetworkId).SubnetIds | Should -Be $net.SubnetIds
        (Get-DbxNetworkConfiguration -Name 'netcycle-*').NetworkId | Should -Contain $net.NetworkId
        (Get-DbxNetworkConfiguration).NetworkId | Should -Contain $net.NetworkId
        $net | Remove-DbxNetworkConfiguration -Force
        (Get-DbxNetworkConfiguration).NetworkId | Should -Not -Contain $net.NetworkId
        Get-DbxNetworkConfiguration -NetworkId $net.NetworkId -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }

    It 'reports a name that matches nothing' {
        Get-DbxNetworkConfiguration -Name 'no-such-network-x' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxNetworkNotFound*'
    }

    It 'binds API JSON (snake_case) from the pipeline' {
        $aws = New-MotoWorkspaceNetwork
        $json = [pscustomobject]@{ network_name = (New-TestName 'netjson'); vpc_id = $aws.VpcId; subnet_ids = $aws.SubnetIds; security_group_ids = $aws.SecurityGroupIds }
        $net = $json | New-DbxNetworkConfiguration
        $net.VpcId | Should -Be $aws.VpcId
        Remove-DbxNetworkConfiguration $net.NetworkId -Force
    }

    It '-WhatIf sends no request, for New and Remove' {
        $net = New-TestNetworkConfig
        $before = Get-EmulatorRequestCount
        New-DbxNetworkConfiguration -Name 'whatif-net' -VpcId 'vpc-0123456789abcdef0' -SubnetId 'subnet-01234567', 'subnet-89abcdef' -SecurityGroupId 'sg-01234567' -WhatIf
        Remove-DbxNetworkConfiguration $net.NetworkId -WhatIf
        Remove-DbxNetworkConfiguration $net.NetworkId -Force -WhatIf
        (Get-EmulatorRequestCount) - $before | Should -Be 0
        (Get-DbxNetworkConfiguration -NetworkId $net.NetworkId).NetworkId | Should -Be $net.NetworkId
        Remove-DbxNetworkConfiguration $net.NetworkId -Force
    }
}

Describe 'Network configuration rules, locally and at the emulator' {
    BeforeAll {
        $script:ok = @{ Name = 'good-name'; VpcId = 'vpc-0123456789abcdef0'; SubnetId = @('subnet-0a000001', 'subnet-0a000002'); SecurityGroupId = @('sg-0a000001') }
        $script:okBody = @{ network_name = 'good-name'; vpc_id = 'vpc-0123456789abcdef0'; subnet_ids = @('subnet-0a000001', 'subnet-0a000002'); security_group_ids = @('sg-0a000001') }
        function Invoke-BadNetwork([hashtable]$Change) {
            $p = $script:ok.Clone(); foreach ($k in $Change.Keys) { $p[$k] = $Change[$k] }
            Get-LocalError { New-DbxNetworkConfiguration @p }.GetNewClosure()
        }
        function Invoke-BadNetworkApi([hashtable]$Change) {
            $b = $script:okBody.Clone(); foreach ($k in $Change.Keys) { $b[$k] = $Change[$k] }
            try { Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/networks' -Body $b -ErrorAction Stop; $null } catch { $_ }
        }
    }

    It 'refuses <What> locally (nothing sent) and at the emulator' -ForEach @(
        @{ What = 'a 3-character name'; Local = @{ Name = 'abc' }; Api = @{ network_name = 'abc' }; Id = 'DbxInvalidName'; Api400 = 'INVALID_PARAMETER_VALUE' }
        @{ What = 'one subnet'; Local = @{ SubnetId = @('subnet-0a000001') }; Api = @{ subnet_ids = @('subnet-0a000001') }; Id = 'DbxInvalidSubnetIds'; Api400 = 'INVALID_PARAMETER_VALUE' }
        @{ What = 'six security groups'; Local = @{ SecurityGroupId = 1..6 | ForEach-Object { "sg-0b00000$_" } }; Api = @{ security_group_ids = 1..6 | ForEach-Object { "sg-0b00000$_" } }; Id = 'DbxInvalidSecurityGroupIds'; Api400 = 'INVALID_PARAMETER_VALUE' }
        @{ What = 'a malformed subnet id'; Local = @{ SubnetId = @('subnet-xyz', 'subnet-0a000002') }; Api = @{ subnet_ids = @('subnet-xyz', 'subnet-0a000002') }; Id = 'DbxInvalidSubnetIds'; Api400 = 'INVALID_PARAMETER_VALUE' }
        @{ What = 'a malformed VPC id'; Local = @{ VpcId = 'vpc-1' }; Api = @{ vpc_id = 'vpc-1' }; Id = 'DbxInvalidVpcId'; Api400 = 'INVALID_PARAMETER_VALUE' }
    ) {
        $r = Invoke-BadNetwork $Local
        $r.Error.FullyQualifiedErrorId | Should -BeLike "$Id*"
        $r.Sent | Should -Be 0
        (Invoke-BadNetworkApi $Api).FullyQualifiedErrorId | Should -BeLike "DbxApi$((Get-Culture).TextInfo.ToTitleCase($Api400.ToLower()).Replace('_',''))*"
    }

    It 'refuses a subnet or security group that another configuration uses' {
        $net = New-TestNetworkConfig
        $other = New-MotoWorkspaceNetwork
        New-DbxNetworkConfiguration -Name 'reuse-subnet' -VpcId $net.VpcId -SubnetId $net.SubnetIds[0], $other.SubnetIds[1] -SecurityGroupId $other.SecurityGroupIds -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxSubnetInUse*'
        $e[0].Exception.Message | Should -Match $net.NetworkId
        New-DbxNetworkConfiguration -Name 'reuse-sg' -VpcId $other.VpcId -SubnetId $other.SubnetIds -SecurityGroupId $net.SecurityGroupIds -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DbxSecurityGroupInUse*'
        $api = try { Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/networks' -Body @{ network_name = 'reuse-api'; vpc_id = $other.VpcId; subnet_ids = $other.SubnetIds; security_group_ids = $net.SecurityGroupIds } -ErrorAction Stop } catch { $_ }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $api.Exception.Message | Should -Match 'already used by network configuration'
        Remove-DbxNetworkConfiguration $net.NetworkId -Force
    }

    It 'refuses a VPC endpoint registration in the wrong list, locally and at the emulator (MALFORMED_REQUEST)' {
        $aws = New-MotoWorkspaceNetwork
        $relay = New-MotoVpcEndpoint -VpcId $aws.VpcId -Service Relay | New-DbxVpcEndpointRegistration
        $relay.UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        $r = Get-LocalError { New-DbxNetworkConfiguration -Name 'wrong-list' -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds -RestApiVpcEndpointId $relay.VpcEndpointId }.GetNewClosure()
        $r.Error.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidVpcEndpointUseCase*'
        (Get-DbxNetworkConfiguration -Name 'wrong-list' -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        $api = try { Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/networks' -Body @{ network_name = 'wrong-list'; vpc_id = $aws.VpcId; subnet_ids = $aws.SubnetIds; security_group_ids = $aws.SecurityGroupIds; vpc_endpoints = @{ rest_api = @($relay.VpcEndpointId); dataplane_relay = @() } } -ErrorAction Stop } catch { $_ }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiMalformedRequest*'
        $api.Exception.Message | Should -Match 'cannot be attached in rest_api list'
        Remove-DbxVpcEndpointRegistration $relay.VpcEndpointId -Force
    }
}
