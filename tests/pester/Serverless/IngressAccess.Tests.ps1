BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
}

Describe 'Test-DbxIngressAccess' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:id = New-TestName 'npa'
        $rules = @(
            New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Destination WorkspaceUi, WorkspaceApi
            New-DbxIngressRule Deny bad-host -IpRange '203.0.113.66'
        )
        $script:policy = New-DbxNetworkPolicy -NetworkPolicyId $script:id -RestrictionMode FullAccess -PublicAccessRestrictionMode RestrictedAccess -IngressRule $rules
    }
    AfterAll { Remove-DbxNetworkPolicy -NetworkPolicyId $script:id -Force -ErrorAction SilentlyContinue }

    It 'decides offline on a piped policy, naming the deciding rule' {
        $ok = $script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.10 -Destination WorkspaceUi
        $ok.Decision | Should -Be 'Allowed'
        $ok.DecidingRule | Should -Be 'office'
        $deny = $script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.66 -Destination WorkspaceUi
        $deny.Decision | Should -Be 'Denied'
        $deny.DecidingRule | Should -Be 'bad-host'
        $none = $script:policy | Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceApi
        $none.Decision | Should -Be 'Denied'
        $none.DecidingRule | Should -BeNullOrEmpty
        $apps = $script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.10 -Destination AppsRuntime
        $apps.Decision | Should -Be 'Denied'
    }

    It 'reads the bound policy of a workspace live (default-policy: full access)' {
        $ws = Get-DbxWorkspace | Select-Object -First 1
        $d = Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceUi -WorkspaceId $ws.WorkspaceId
        $d.Decision | Should -Be 'Allowed'
        $d.NetworkPolicyId | Should -Not -BeNullOrEmpty
    }

    It 'combines piped IP access lists with the policy: both must allow, and the deciding list is named' {
        $ws = [long](Get-TestSeed).WorkspaceId
        $allow = [DatabricksNetworking.Models.IpAccessList]@{ ListId = 'l1'; Label = 'corp'; ListType = 'ALLOW'; IpAddresses = [System.Collections.Generic.List[string]]@('203.0.113.0/25'); Enabled = $true; WorkspaceId = $ws }
        $block = [DatabricksNetworking.Models.IpAccessList]@{ ListId = 'l2'; Label = 'bad'; ListType = 'BLOCK'; IpAddresses = [System.Collections.Generic.List[string]]@('203.0.113.20'); Enabled = $true; WorkspaceId = $ws }
        $ok = @($script:policy, $allow, $block) | Test-DbxIngressAccess -IpAddress 203.0.113.10 -Destination WorkspaceUi -WorkspaceId $ws
        $ok.Decision | Should -Be 'Allowed'
        $ok.IpAccessDecision | Should -Be 'Allowed'
        $ok.IpAccessList | Should -Be 'corp'
        # The policy allows 203.0.113.200 (office /24) but no ALLOW list holds it.
        $out = @($script:policy, $allow) | Test-DbxIngressAccess -IpAddress 203.0.113.200 -Destination WorkspaceUi -WorkspaceId $ws
        $out.IngressDecision | Should -Be 'Allowed'
        $out.Decision | Should -Be 'Denied'
        $out.DecidedBy | Should -Be 'IpAccessList'
        $blocked = $script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.20 -Destination WorkspaceUi -WorkspaceId $ws -IpAccessList $allow, $block
        $blocked.Decision | Should -Be 'Denied'
        $blocked.DecidingRule | Should -Be 'bad'
        $blocked.DecidingRuleAction | Should -Be 'BLOCK'
        # Ingress refuses first: the policy's rule is named even when a list would refuse too.
        $both = @($script:policy, $block) | Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceUi -WorkspaceId $ws
        $both.DecidedBy | Should -Be 'NetworkPolicy'
        ($script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.200 -Destination WorkspaceUi -IpAccessList $allow -SkipIpAccessList).Decision | Should -Be 'Allowed'
        ($script:policy | Test-DbxIngressAccess -IpAddress 203.0.113.200 -Destination WorkspaceUi).IpAccessDecision | Should -Be 'NotChecked'
    }

    It 'reads the IP access lists live with the policy, and says when they are not enforced' {
        $ws = [long](Get-TestSeed).WorkspaceId
        $d = Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceApi -WorkspaceId $ws
        $d.IpAccessDecision | Should -Be 'NotEnforced'
        $d.Decision | Should -Be 'Allowed'
    }

    It 'a rule with only excluded ranges matches public addresses outside them, never private ones (Go SDK)' {
        $p = New-DbxNetworkPolicy -NetworkPolicyId (New-TestName 'npx') -RestrictionMode FullAccess -PublicAccessRestrictionMode FullAccess -IngressRule (New-DbxIngressRule Deny outside-office -ExcludedIpRange '203.0.113.0/24')
        try {
            ($p | Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceUi).Decision | Should -Be 'Denied'
            ($p | Test-DbxIngressAccess -IpAddress 203.0.113.5 -Destination WorkspaceUi).Decision | Should -Be 'Allowed'
            ($p | Test-DbxIngressAccess -IpAddress 10.1.2.3 -Destination WorkspaceUi).Decision | Should -Be 'Allowed'
        }
        finally { Remove-DbxNetworkPolicy -NetworkPolicyId $p.NetworkPolicyId -Force }
    }

    It '-ReadOnly: a Read-qualified API rule matches reads only' {
        $p = [DatabricksNetworking.Models.NetworkPolicy]@{ NetworkPolicyId = 'offline'; Ingress = [DatabricksNetworking.Models.IngressNetworkPolicy]@{ PublicAccess = [DatabricksNetworking.Models.IngressPublicAccess]@{
                    RestrictionMode = 'RESTRICTED_ACCESS'; AllowRules = [System.Collections.Generic.List[DatabricksNetworking.Models.IngressPublicRule]]@(
                        (New-DbxIngressRule Allow readers -Destination WorkspaceApi -ApiScope jobs -ApiScopeQualifier Read).Rule) } } }
        ($p | Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceApi -ApiScope jobs -ReadOnly).Decision | Should -Be 'Allowed'
        ($p | Test-DbxIngressAccess -IpAddress 198.51.100.1 -Destination WorkspaceApi -ApiScope jobs).Decision | Should -Be 'Denied'
    }

    It 'reports the dry-run decision next to the enforced one' {
        $stage = New-DbxIngressRule Allow vpn -IpRange '192.0.2.10'
        $p = Set-DbxNetworkPolicy $script:id -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $stage -PassThru
        $d = $p | Test-DbxIngressAccess -IpAddress 203.0.113.10 -Destination WorkspaceUi
        $d.Decision | Should -Be 'Allowed'
        $d.DryRunDecision | Should -Be 'Denied'
    }

    It 'refuses <Name>' -ForEach @(
        @{ Name = 'a bad address'; Splat = @{ IpAddress = '300.1.1.1'; Destination = 'WorkspaceUi' }; ErrorId = 'DbxInvalidIpAddress' }
        @{ Name = 'an account destination without -Account'; Splat = @{ IpAddress = '198.51.100.1'; Destination = 'AccountUi' }; ErrorId = 'DbxInvalidIngressDestination' }
        @{ Name = 'no workspace, account or policy'; Splat = @{ IpAddress = '198.51.100.1'; Destination = 'WorkspaceUi' }; ErrorId = 'DbxMissingWorkspaceId' }
    ) {
        Test-DbxIngressAccess @Splat -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
    }
}

Describe 'Get-DbxNetworkPolicyIngressRule' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:gid = New-TestName 'npr'
        $rules = @(
            New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Destination WorkspaceUi
            New-DbxIngressRule Deny bad-host -IpRange '203.0.113.66'
        )
        New-DbxNetworkPolicy -NetworkPolicyId $script:gid -RestrictionMode FullAccess -PublicAccessRestrictionMode RestrictedAccess -IngressRule $rules | Out-Null
        Set-DbxNetworkPolicy $script:gid -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule (New-DbxIngressRule Allow vpn -IpRange '192.0.2.10') -Confirm:$false | Out-Null
    }
    AfterAll { Remove-DbxNetworkPolicy -NetworkPolicyId $script:gid -Force -ErrorAction SilentlyContinue }

    It 'streams enforced and dry-run rules, one object each, with the policy id and mode' {
        $all = @(Get-DbxNetworkPolicyIngressRule $script:gid)
        $all.Count | Should -Be 3
        ($all | Where-Object Label -eq 'bad-host').Action | Should -Be 'Deny'
        ($all | Where-Object Label -eq 'vpn').Mode | Should -Be 'DryRun'
        ($all | Where-Object Label -eq 'office').Mode | Should -Be 'Enforced'
        $all.NetworkPolicyId | Select-Object -Unique | Should -Be $script:gid
    }

    It 'lists piped policies offline and filters by -Mode' {
        $dry = @(Get-DbxNetworkPolicy $script:gid | Get-DbxNetworkPolicyIngressRule -Mode DryRun)
        $dry.Label | Should -Be @('vpn')
    }

    It 'reports a missing policy as an error and goes on' {
        Get-DbxNetworkPolicyIngressRule 'no-such-policy-x' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.Count | Should -BeGreaterThan 0
    }
}
