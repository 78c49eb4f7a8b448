# The about topics' code is real: the docs check keeps their cmdlet and parameter names true to the module (Docs.Tests),
# and here the PrivateLink and IP access list walkthroughs run as written against a private emulator and moto, with only
# the placeholder AWS ids of the text replaced by those of a moto VPC.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    Import-TestModule
    $script:docs = Join-Path $root 'docs/cmdlets'

    function Get-AboutCode([string]$Topic) {
        # The runnable powershell blocks of an about topic, in order (illustrations left out).
        @(Get-DocsCodeBlocks (Read-DocsPage (Join-Path $docs "$Topic.md")) | Where-Object { -not $_.Illustration } | ForEach-Object Code)
    }
}

Describe 'about_DatabricksNetworking_PrivateLink' {
    BeforeAll {
        $script:saved = Set-MotoAwsEnvironment -Region us-east-1
        $script:emulator = Start-TestEmulator   # own state: the walkthrough adds networks and a workspace
        $script:ctx = Connect-TestAccount -Url $emulator.Url
        $script:blocks = @(Get-AboutCode 'about_DatabricksNetworking_PrivateLink')
        $back = New-MotoVpc
        $transit = New-MotoVpc
        $script:ids = [ordered]@{
            'vpc-0a1b2c3d4e5f60718'       = $back.VpcId
            'subnet-0aa11bb22cc33dd44'    = $back.SubnetIds[0]
            'subnet-0ee55ff66aa77bb88'    = $back.SubnetIds[1]
            'subnet-0ab12cd34ef567890'    = $back.EndpointSubnetId
            'vpc-0feedface00000001'       = $transit.VpcId
            'subnet-0cafe000000000001'    = $transit.EndpointSubnetId
        }
        function ConvertTo-MotoCode([string]$Code) {
            foreach ($k in $ids.Keys) { $Code = $Code.Replace($k, $ids[$k]) }
            $Code
        }
    }
    AfterAll {
        $emulator | Stop-TestService
        Restore-MotoAwsEnvironment $saved
    }

    It 'has the back-end walkthrough, the move of an existing workspace and the front-end walkthrough, naming only placeholder ids the test replaces' {
        $blocks.Count | Should -Be 3
        foreach ($b in $blocks) {
            $left = [regex]::Matches((ConvertTo-MotoCode $b), '\b(vpc|subnet|sg)-0[0-9a-f]{8,}\b') | Where-Object { $_.Value -notin $ids.Values }
            $left | Should -BeNullOrEmpty -Because 'every AWS id of the text is a placeholder of the first lines'
        }
    }

    It 'builds back-end PrivateLink from zero as written: a new workspace RUNNING on a VALID network and the private access settings' {
        $ErrorActionPreference = 'Stop'
        . ([scriptblock]::Create((ConvertTo-MotoCode $blocks[0])))
        $failed | Should -BeNullOrEmpty
        $workspace.WorkspaceStatus | Should -Be 'RUNNING'
        $workspace.NetworkId | Should -Be $net.NetworkId
        $workspace.PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
        (Get-DbxNetworkConfiguration -NetworkId $net.NetworkId).VpcStatus | Should -Be 'VALID'
        $rest.UseCase | Should -Be 'GENERAL_ACCESS'
        $relay.UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        $pas.PublicAccessEnabled | Should -BeTrue
        $script:built = @{ net = $net; pas = $pas; rest = $rest; region = $region }
    }

    It 'moves the workspace with Set-DbxWorkspaceNetwork -Wait and adds front-end PrivateLink as written' {
        $ErrorActionPreference = 'Stop'
        $net = $built.net; $pas = $built.pas; $rest = $built.rest; $region = $built.region
        $moved = . ([scriptblock]::Create((ConvertTo-MotoCode $blocks[1])))
        $moved.WorkspaceStatus | Should -Be 'RUNNING'
        . ([scriptblock]::Create((ConvertTo-MotoCode $blocks[2])))
        $after = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId
        @($after.AllowedVpcEndpointIds | Sort-Object) | Should -Be @(@($rest.VpcEndpointId, $transit.VpcEndpointId) | Sort-Object)
        $after.PublicAccessEnabled | Should -BeTrue -Because 'the last line only shows, with -WhatIf, how public access is turned off'
    }
}

Describe 'about_DatabricksNetworking_Serverless' {
    BeforeAll {
        $script:saved = Set-MotoAwsEnvironment -Region us-east-1
        # Own state (the walkthrough binds a workspace and adds a policy); CREATING 5 s, the owner's accept stand-in at 10 s,
        # so -Wait (polling every second) sees the rule PENDING with seconds to spare.
        $script:emulator = Start-TestEmulator -Arguments '--pe-accept-delay', '10'
        $script:ctx = Connect-TestAccount -Url $emulator.Url
        $script:nlb = New-MotoNetworkLoadBalancer -Region us-east-1
        $script:placeholder = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-db-nlb/50dc6c495c0c9188'
    }
    AfterAll {
        $emulator | Stop-TestService
        Restore-MotoAwsEnvironment $saved
    }

    It 'runs the walkthrough as written: NCC bound, S3 rule ESTABLISHED, the service rule PENDING, the policy bound in dry run' {
        $ErrorActionPreference = 'Stop'
        $code = @(Get-AboutCode 'about_DatabricksNetworking_Serverless')
        $code.Count | Should -Be 1
        $code[0] | Should -Match ([regex]::Escape($placeholder))
        $null = . ([scriptblock]::Create($code[0].Replace($placeholder, $nlb.NetworkLoadBalancerArn)))
        (Get-DbxWorkspace -Name 'prod-us').NetworkConnectivityConfigId | Should -Be $ncc.NetworkConnectivityConfigId
        $lake.ConnectionState | Should -Be 'ESTABLISHED'
        $svc.DatabricksAllowed | Should -BeTrue
        $orders.EndpointService | Should -Be $svc.ServiceName
        $orders.ConnectionState | Should -Be 'PENDING' -Because 'the service requires acceptance'
        (Get-DbxWorkspace -Name 'prod-us' | Get-DbxWorkspaceNetworkPolicy).NetworkPolicyId | Should -Be 'prod-restricted'
        (Get-DbxNetworkPolicy -NetworkPolicyId 'prod-restricted').EnforcementMode | Should -Be 'DRY_RUN' -Because 'the last line only shows, with -WhatIf, how the policy is enforced'
    }
}

Describe 'about_DatabricksNetworking_IpAccessLists' {
    BeforeAll {
        $script:emulator = Start-TestEmulator   # own state: the walkthrough creates a list
        $script:ctx = Connect-TestAccount -Url $emulator.Url
    }
    AfterAll { $emulator | Stop-TestService }

    It 'runs the walkthrough as written: the list is created, the addresses tested, and -WhatIf leaves the feature off' {
        $ErrorActionPreference = 'Stop'
        $code = @(Get-AboutCode 'about_DatabricksNetworking_IpAccessLists')
        $code.Count | Should -Be 1
        # The emulator sees every request come from 127.0.0.1: that is "your public address" here.
        $code[0] | Should -Match ([regex]::Escape("`$me = '198.51.100.7'"))
        $out = @(. ([scriptblock]::Create($code[0].Replace("`$me = '198.51.100.7'", "`$me = '127.0.0.1'"))))
        $list.Label | Should -Be 'office'
        $verdicts = @($out | Where-Object { $_ -is [DatabricksNetworking.Models.IpAccessDecision] })
        @($verdicts.IpAddress) | Should -Be @('127.0.0.1', '192.0.2.1')
        @($verdicts.AllowedByLists) | Should -Be @($true, $false)
        @($verdicts.Allowed) | Should -Be @($true, $true) -Because 'the feature is still off, so no list applies yet'
        (Get-DbxIpAccessListFeature -WorkspaceId 3333333333333333).Enabled | Should -BeFalse
    }
}
