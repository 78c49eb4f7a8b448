BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    # Bindings are account-wide state: this file works on its own emulator.
    $script:emu = Start-TestEmulator
    $script:ctx = Connect-TestAccount -Url $script:emu.Url
    $script:putRoute = 'PUT /api/2.0/accounts/*/workspaces/*/network'
}
AfterAll { $script:emu | Stop-TestService }

Describe 'Workspace network option' {
    It 'binds every workspace to default-policy until told otherwise' {
        $options = @(Get-DbxWorkspaceNetworkPolicy)
        $options.Count | Should -Be 3
        $options.NetworkPolicyId | Should -Be @('default-policy', 'default-policy', 'default-policy')
        ($options.WorkspaceName | Sort-Object) | Should -Be @('dev-us', 'prod-eu', 'prod-us')
    }

    It 'names the workspace of options read by id or from a pipeline of workspaces, with one workspace list per call' {
        $listRoute = 'GET /api/2.0/accounts/*/workspaces'
        $lists = Get-EmulatorRouteCount $listRoute -Url $script:emu.Url
        $options = @(Get-DbxWorkspace | Get-DbxWorkspaceNetworkPolicy)
        ($options.WorkspaceName | Sort-Object) | Should -Be @('dev-us', 'prod-eu', 'prod-us')
        # Get-DbxWorkspace lists once, Get-DbxWorkspaceNetworkPolicy once for the whole pipeline.
        Get-EmulatorRouteCount $listRoute -Url $script:emu.Url | Should -Be ($lists + 2)
        (Get-DbxWorkspaceNetworkPolicy -WorkspaceId 2222222222222222).WorkspaceName | Should -Be 'prod-us'
    }

    It 'Get-DbxWorkspace | Set-DbxWorkspaceNetworkPolicy -WhatIf binds by WorkspaceId and changes nothing' {
        New-DbxNetworkPolicy strict -RestrictionMode RestrictedAccess -AllowedDomain pypi.org | Out-Null
        $puts = Get-EmulatorRouteCount $script:putRoute -Url $script:emu.Url
        Get-DbxWorkspace | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId strict -WhatIf
        Get-EmulatorRouteCount $script:putRoute -Url $script:emu.Url | Should -Be $puts
        (Get-DbxWorkspaceNetworkPolicy).NetworkPolicyId | Should -Not -Contain 'strict'
    }

    It 'moves a workspace from default-policy to a restricted dry-run policy, then to enforced, then back' {
        $ws = Get-DbxWorkspace -Name prod-us
        New-DbxNetworkPolicy egress-lockdown -RestrictionMode RestrictedAccess -AllowedDomain 'pypi.org' -AllowedS3Bucket 'prod-us-data@us-east-1' -EnforcementMode DryRun | Out-Null
        ($ws | Get-DbxWorkspaceNetworkPolicy).NetworkPolicyId | Should -Be 'default-policy'

        $bound = $ws | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId egress-lockdown -PassThru
        $bound.WorkspaceId | Should -Be 2222222222222222
        $bound.WorkspaceName | Should -Be 'prod-us'
        $bound.NetworkPolicyId | Should -Be 'egress-lockdown'
        $policy = $ws | Get-DbxWorkspaceNetworkPolicy | Get-DbxNetworkPolicy
        $policy.NetworkPolicyId | Should -Be 'egress-lockdown'
        $policy.RestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $policy.EnforcementMode | Should -Be 'DRY_RUN'

        Set-DbxNetworkPolicy egress-lockdown -EnforcementMode Enforced
        $enforced = $ws | Get-DbxWorkspaceNetworkPolicy | Get-DbxNetworkPolicy
        $enforced.EnforcementMode | Should -Be 'ENFORCED'
        $enforced.AllowedDomains | Should -Be @('pypi.org')
        (Get-DbxWorkspaceNetworkPolicy -WorkspaceId 1111111111111111).NetworkPolicyId | Should -Be 'default-policy'

        Remove-DbxNetworkPolicy egress-lockdown -Force -ErrorAction SilentlyContinue -ErrorVariable inUse
        $inUse[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
        $inUse[0].Exception.Message | Should -Match '2222222222222222'

        ($ws | Set-DbxWorkspaceNetworkPolicy default-policy -PassThru).NetworkPolicyId | Should -Be 'default-policy'
        Remove-DbxNetworkPolicy egress-lockdown -Force
        Get-DbxNetworkPolicy egress-lockdown -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a policy that does not exist and leaves the binding alone' {
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId 3333333333333333 -NetworkPolicyId no-such-policy -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
        (Get-DbxWorkspaceNetworkPolicy 3333333333333333).NetworkPolicyId | Should -Be 'default-policy'
    }

    It '-WhatIf reads: a mistyped policy fails with the real run''s error, the target names the workspace, nothing is written' {
        $writes = Get-EmulatorWriteCount -Url $script:emu.Url
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId 3333333333333333 -NetworkPolicyId no-such-policy -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
        $r = Invoke-WithAnsweringHost 1 { param($c) Set-DbxWorkspaceNetworkPolicy -Context $c -WorkspaceId 3333333333333333 -NetworkPolicyId default-policy -WhatIf } @($script:ctx)
        $r.Errors | Should -BeNullOrEmpty
        ($r.Lines -join "`n") | Should -Match "workspace 'dev-us' \(3333333333333333\)"
        Get-EmulatorWriteCount -Url $script:emu.Url | Should -Be $writes
    }

    It 'refuses a malformed policy id before sending' {
        $puts = Get-EmulatorRouteCount $script:putRoute -Url $script:emu.Url
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId 3333333333333333 -NetworkPolicyId 'bad id!' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkPolicyId*'
        Get-EmulatorRouteCount $script:putRoute -Url $script:emu.Url | Should -Be $puts
    }

    It 'goes on with the next workspace when one in the pipeline fails' {
        $out = @([long[]](1111111111111111, 9999999999999999, 3333333333333333) | Get-DbxWorkspaceNetworkPolicy -ErrorAction SilentlyContinue -ErrorVariable err)
        $out.WorkspaceId | Should -Be @(1111111111111111, 3333333333333333)
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 9999999999999999
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }

    It 'cannot reach a workspace of another account' {
        Get-DbxWorkspaceNetworkPolicy -WorkspaceId $script:seed.OtherWorkspaceId -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }
}
