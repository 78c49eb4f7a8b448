# Issue 17: the demo account has a little of everything, so a newcomer's first Get- calls show something. A private
# emulator on the built-in seed, so that what other test files create or delete on the shared one does not count.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:seed = Get-TestSeed
    $script:prodUs = [long]2222222222222222
}
AfterAll { $script:emu | Stop-TestService }

Describe 'The demo account''s first Get- calls' {
    It 'Get-DbxNetworkConfiguration shows prod-us-vpc, attached to prod-us' {
        $n = @(Get-DbxNetworkConfiguration -Context $ctx)
        $n.NetworkName | Should -Contain 'prod-us-vpc'
        ($n | Where-Object NetworkName -EQ 'prod-us-vpc').WorkspaceId | Should -Be $prodUs
    }

    It 'Get-DbxPrivateAccessSettings shows prod-us-east-1-pas in us-east-1' {
        $pas = @(Get-DbxPrivateAccessSettings -Context $ctx)
        $pas.Count | Should -Be 1
        $pas[0].PrivateAccessSettingsName | Should -Be 'prod-us-east-1-pas'
        $pas[0].Region | Should -Be 'us-east-1'
        $pas[0].PrivateAccessLevel | Should -Be 'ACCOUNT'
        $pas[0].PublicAccessEnabled | Should -BeTrue
    }

    It 'Get-DbxIpAccessList -WorkspaceId shows the enforced BLOCK list of prod-us, which does not block the caller' {
        $lists = @(Get-DbxIpAccessList -Context $ctx -WorkspaceId $prodUs)
        $lists.Label | Should -Be @('blocked-tor-exits')
        $lists[0].ListType | Should -Be 'BLOCK'
        $lists[0].IpAddresses | Should -Be @('185.220.100.0/24', '185.220.101.0/24')
        $lists[0].AddressCount | Should -Be 2
        $feature = Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $prodUs
        $feature.Enabled | Should -BeTrue
        $feature.IsDefault | Should -BeFalse
        # Enforced, and the caller (127.0.0.1) still gets in: a workspace call through prod-us succeeds.
        (Invoke-DbxApi Get '/api/2.0/ip-access-lists' -Context $ctx -WorkspaceId $prodUs).ip_access_lists.Count | Should -Be 1
    }

    It 'Get-DbxAccountIpAccessList shows a BLOCK list; the account switch is never written (enforced, as on a new account) and the list does not block the caller' {
        $acct = @(Get-DbxAccountIpAccessList -Context $ctx)
        $acct.Label | Should -Be @('blocked-scanners')
        $acct[0].ListType | Should -Be 'BLOCK'
        $feature = Get-DbxAccountIpAccessListFeature -Context $ctx
        $feature.Enabled | Should -BeTrue
        $feature.IsDefault | Should -BeTrue
        # Enforced, and account calls from 127.0.0.1 still succeed.
        @(Get-DbxWorkspace -Context $ctx).Count | Should -BeGreaterThan 0
    }

    It 'a newcomer can add lists next to the seeded ones (the service''s self-block check lets 127.0.0.1 through)' {
        $l = New-DbxAccountIpAccessList -Context $ctx -Label 'try-block' -ListType Block -IpAddress '192.0.2.0/24' -CallerIpAddress 127.0.0.1
        $l.Label | Should -Be 'try-block'
        $w = New-DbxIpAccessList -Context $ctx -WorkspaceId $prodUs -Label 'try-office' -ListType Allow -IpAddress '127.0.0.1', '203.0.113.0/24' -CallerIpAddress 127.0.0.1
        $w.Label | Should -Be 'try-office'
        Remove-DbxAccountIpAccessList -Context $ctx -ListId $l.ListId -Force
        Remove-DbxIpAccessList -Context $ctx -WorkspaceId $prodUs -ListId $w.ListId -Force
    }

    It 'Get-DbxNetworkConnectivityConfig shows the us-east-1 NCC with its egress config and its rule' {
        $ncc = @(Get-DbxNetworkConnectivityConfig -Context $ctx)
        $ncc.Count | Should -Be 1
        $ncc[0].Name | Should -Be 'prod-us-east-1-ncc'
        $ncc[0].Region | Should -Be 'us-east-1'
        $ncc[0].EgressConfig.DefaultRules.AwsStableIpRule.CidrBlocks.Count | Should -Be 4
        @($ncc[0].EgressConfig.TargetRules.AwsPrivateEndpointRules).Count | Should -Be 1
    }

    It 'Get-DbxPrivateEndpointRule shows one established rule to a customer endpoint service' {
        $ncc = Get-DbxNetworkConnectivityConfig -Context $ctx
        $rules = @(Get-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId)
        $rules.Count | Should -Be 1
        $rules[0].ConnectionState | Should -Be 'ESTABLISHED'
        $rules[0].EndpointService | Should -BeLike 'com.amazonaws.vpce.us-east-1.vpce-svc-*'
        $rules[0].DomainNames | Should -Be @('orders-db.internal.example.com')
    }

    It 'Get-DbxNetworkPolicy shows restricted-egress besides default-policy, bound to no workspace' {
        $policies = @(Get-DbxNetworkPolicy -Context $ctx)
        $policies.NetworkPolicyId | Should -Contain 'default-policy'
        $restricted = $policies | Where-Object NetworkPolicyId -EQ 'restricted-egress'
        $restricted.Egress.NetworkAccess.RestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $restricted.Egress.NetworkAccess.AllowedInternetDestinations.Destination | Should -Be @('pypi.org')
        $restricted.Ingress.PublicAccess.AllowRules.Count | Should -Be 1
        foreach ($id in $seed.WorkspaceIds) { (Get-DbxWorkspaceNetworkPolicy -Context $ctx -WorkspaceId $id).NetworkPolicyId | Should -Be 'default-policy' }
    }
}
