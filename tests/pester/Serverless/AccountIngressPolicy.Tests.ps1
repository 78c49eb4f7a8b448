# Get-/Set-DbxAccountIngressPolicy: the account-level ingress policy (account-policy) through the shared ingress lockout
# guard (AccountUi/AccountApi of the account console). The emulator enforces account-policy on every account API request, so this file runs its own emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    # The emulator sees this test's requests from 127.0.0.1 (its /checkip says so too: the guard's caller address).
    $script:runner = New-DbxIngressRule Allow test-runner -IpRange 127.0.0.1 -Destination AccountUi, AccountApi -Account
    function Get-Stored { Invoke-DbxApi Get '/api/2.0/accounts/{account_id}/network-policies/account-policy' -Context $pctx }
}

AfterAll { $emu | Stop-TestService }

Describe 'Get-DbxAccountIngressPolicy' {
    It 'reads account-policy under its own view, and pipes into Test-DbxIngressAccess -Account' {
        $p = Get-DbxAccountIngressPolicy -Context $pctx
        $p.NetworkPolicyId | Should -Be 'account-policy'
        $p.PSObject.TypeNames[0] | Should -Be 'DatabricksNetworking.AccountIngressPolicy'
        $p | Should -BeOfType ([DatabricksNetworking.Models.NetworkPolicy])
        ($p | Format-Table | Out-String) | Should -Match 'AllowRules'
        $d = $p | Test-DbxIngressAccess -Account -IpAddress 198.51.100.1 -Destination AccountUi
        $d.Decision | Should -Be 'Allowed'
        $d.NetworkPolicyId | Should -Be 'account-policy'
    }
}

Describe 'Set-DbxAccountIngressPolicy' {
    It 'restricts the account console to piped rules when the caller keeps access; the emulator then enforces it' {
        $runner | Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode RestrictedAccess -Confirm:$false
        $s = Get-Stored
        $s.ingress.public_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        $s.ingress.public_access.allow_rules[0].label | Should -Be 'test-runner'
        (Test-DbxIngressAccess -Context $pctx -Account -IpAddress 198.51.100.1 -Destination AccountApi -SkipIpAccessList).Decision | Should -Be 'Denied'
        (Test-DbxIngressAccess -Context $pctx -Account -IpAddress 127.0.0.1 -Destination AccountApi -SkipIpAccessList).DecidingRule | Should -Be 'test-runner'
    }

    # The guard counts only access a change TAKES AWAY: each case starts from a policy that lets the runner (127.0.0.1)
    # and two partner ranges (holding the break-glass address and the -CallerIpAddress) in.
    It 'refuses, without -Force in a non-interactive session, a policy that locks <Name> out (nothing written)' -ForEach @(
        @{ Name = 'the caller'; Rules = { New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Account }; Splat = @{} }
        @{ Name = 'the caller (deny rule)'; Rules = { New-DbxIngressRule Allow test-runner -IpRange 127.0.0.1 -Account; New-DbxIngressRule Deny everyone -AllIpRanges -Account }; Splat = @{} }
        @{ Name = 'a break-glass address'; Rules = { New-DbxIngressRule Allow test-runner -IpRange 127.0.0.1 -Account }; Splat = @{ BreakGlassIpAddress = '198.51.100.9' } }
        @{ Name = 'the caller given by -CallerIpAddress'; Rules = { New-DbxIngressRule Allow test-runner -IpRange 127.0.0.1 -Account }; Splat = @{ CallerIpAddress = '192.0.2.50' } }
    ) {
        $partners = @($runner, (New-DbxIngressRule Allow partner-a -IpRange 198.51.100.0/24 -Account), (New-DbxIngressRule Allow partner-b -IpRange 192.0.2.0/24 -Account))
        Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode RestrictedAccess -IngressRule $partners -Confirm:$false
        $before = (Get-Stored | ConvertTo-Json -Depth 20)
        Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode RestrictedAccess -IngressRule @(& $Rules) @Splat -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIngressLockout,*'
        if ($Splat.BreakGlassIpAddress) { $err[0].Exception.Message | Should -Match 'break-glass .*from 198\.51\.100\.9 would lose AccountUi' }
        if ($Splat.CallerIpAddress) { $err[0].Exception.Message | Should -Match 'you \(.*from 192\.0\.2\.50 \(-CallerIpAddress\)\) would lose' }
        $err[0].Exception.Message | Should -Match 'of the account console'
        (Get-Stored | ConvertTo-Json -Depth 20) | Should -Be $before
    }

    It 'an address that was already denied loses nothing, so it is not a reason to refuse' {
        # 192.0.2.50 is outside the runner + partner-a policy already: dropping partner-a takes nothing from it.
        Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode RestrictedAccess -IngressRule @($runner, (New-DbxIngressRule Allow partner-a -IpRange 198.51.100.0/24 -Account)) -Force -WarningAction SilentlyContinue
        $p = Set-DbxAccountIngressPolicy -Context $pctx -IngressRule $runner -BreakGlassIpAddress 192.0.2.50 -Confirm:$false -PassThru -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $p.IngressRuleCount | Should -Be 1
    }

    It 'takes -CallerIdentity and -BreakGlassIdentity (account rules cannot name identities: only addresses lose)' {
        $wider = @($runner, (New-DbxIngressRule Allow partner-a -IpRange 198.51.100.0/24 -Account))
        $v = Set-DbxAccountIngressPolicy -Context $pctx -IngressRule $wider -CallerIdentity user:1001 -BreakGlassIdentity servicePrincipal:2002 -Confirm:$false -Verbose 4>&1
        ($v -join ' ') | Should -Match 'you \(user:1001, from 127\.0\.0\.1.*break-glass servicePrincipal:2002 from 127\.0\.0\.1.* still reach the account console'
        (Get-Stored).ingress.public_access.allow_rules.Count | Should -Be 2
    }

    It 'with -Force the change goes through (with a warning), and can be undone' {
        $rules = @((New-DbxIngressRule Allow test-runner -IpRange 127.0.0.1 -Account), (New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Account))
        Set-DbxAccountIngressPolicy -Context $pctx -IngressRule @($runner, (New-DbxIngressRule Allow partner-a -IpRange 198.51.100.0/24 -Account)) -Confirm:$false
        $p = Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode RestrictedAccess -IngressRule $rules -BreakGlassIpAddress 198.51.100.9 -Force -PassThru -WarningVariable w -WarningAction SilentlyContinue
        ($w -join ' ') | Should -Match 'break-glass .*from 198\.51\.100\.9 would lose'
        $p.IngressRuleCount | Should -Be 2
        $p = Set-DbxAccountIngressPolicy -Context $pctx -IngressRule $runner -Confirm:$false -PassThru
        $p.IngressRuleCount | Should -Be 1
    }

    It '-IngressDryRun writes ingress_dry_run only (never blocks, so no lockout question)' {
        New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Account | Set-DbxAccountIngressPolicy -Context $pctx -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -Confirm:$false
        $s = Get-Stored
        $s.ingress_dry_run.public_access.allow_rules[0].label | Should -Be 'office'
        $s.ingress.public_access.allow_rules[0].label | Should -Be 'test-runner'
        (Get-DbxAccountIngressPolicy -Context $pctx | Test-DbxIngressAccess -Account -IpAddress 127.0.0.1 -Destination AccountUi).DryRunDecision | Should -Be 'Denied'
    }

    It 'refuses <Name> before sending anything' -ForEach @(
        @{ Name = 'a workspace rule'; Rules = { New-DbxIngressRule Allow ws -IpRange 127.0.0.1 -Destination WorkspaceUi }; Splat = @{}; ErrorId = 'DbxInvalidIngress*' }
        @{ Name = 'nothing to change'; Rules = $null; Splat = @{}; ErrorId = 'DbxInvalidNetworkPolicyChange' }
        @{ Name = 'a bad break-glass address'; Rules = $null; Splat = @{ PublicAccessRestrictionMode = 'FullAccess'; BreakGlassIpAddress = '300.1.1.1' }; ErrorId = 'DbxInvalidBreakGlassIpAddress' }
        @{ Name = 'a bad caller identity'; Rules = $null; Splat = @{ PublicAccessRestrictionMode = 'FullAccess'; CallerIdentity = 'group:7' }; ErrorId = 'DbxInvalidCallerIdentity' }
    ) {
        if ($Rules) { $Splat = $Splat.Clone(); $Splat.IngressRule = @(& $Rules) }
        $n = Get-EmulatorRequestCount -Url $emu.Url
        Set-DbxAccountIngressPolicy -Context $pctx @Splat -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-EmulatorRequestCount -Url $emu.Url | Should -Be $n
    }

    It '-PrivateAccess and -AllowedEndpointId set the account''s private access without a lockout question; no cross-workspace access here' {
        $ep = [guid]::NewGuid().ToString()
        $p = Set-DbxAccountIngressPolicy -Context $pctx -AllowedEndpointId $ep -BreakGlassIpAddress 198.51.100.9 -PassThru -Confirm:$false -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $p.AllowedEndpointIds | Should -Be @($ep)
        (Get-Stored).ingress.private_access.allow_rules[0].origin.endpoints.endpoint_ids | Should -Be @($ep)
        (Set-DbxAccountIngressPolicy -Context $pctx -PrivateAccess AllRegisteredEndpoints -PassThru -Confirm:$false).PrivateAccessRestrictionMode | Should -Be 'ALLOW_ALL_REGISTERED_ENDPOINTS'
        (Get-Command Set-DbxAccountIngressPolicy).Parameters.Keys | Should -Not -Contain 'CrossWorkspaceAccess'
    }

    It '-WhatIf writes nothing' {
        $n = Get-EmulatorWriteCount -Url $emu.Url
        Set-DbxAccountIngressPolicy -Context $pctx -PublicAccessRestrictionMode FullAccess -WhatIf
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $n
        (Get-Stored).ingress.public_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
    }

    It 'the emulator keeps account-policy undeletable' {
        Remove-DbxNetworkPolicy -Context $pctx -NetworkPolicyId account-policy -Force -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -BeGreaterThan 0
        (Get-DbxAccountIngressPolicy -Context $pctx).NetworkPolicyId | Should -Be 'account-policy'
    }
}
