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
