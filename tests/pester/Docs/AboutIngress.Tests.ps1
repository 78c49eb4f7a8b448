# The staged ingress rollout of about_DatabricksNetworking_Ingress runs as written against a private emulator (it binds
# an ingress policy to a workspace and then enforces it): dry run, denial log, promote.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    Import-TestModule
    $script:blocks = @(Get-DocsCodeBlocks (Read-DocsPage (Join-Path $root 'docs/cmdlets/about_DatabricksNetworking_Ingress.md')) |
            Where-Object { -not $_.Illustration } | ForEach-Object Code)
    $script:emulator = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $emulator.Url
    $script:workspaceId = [long](Get-TestSeed).WorkspaceId
}

AfterAll { $emulator | Stop-TestService }

Describe 'about_DatabricksNetworking_Ingress walkthrough' {
    It 'has the three steps of the staged rollout' {
        $blocks.Count | Should -Be 3
    }

    It 'step 1 stages the rules in dry run: enforced still allows, the dry run would deny' {
        $ErrorActionPreference = 'Stop'
        $out = @(. ([scriptblock]::Create($blocks[0])))
        $d = $out | Where-Object { $_ -is [DatabricksNetworking.Models.IngressAccessDecision] }
        $d.Decision | Should -Be 'Allowed'
        $d.DryRunDecision | Should -Be 'Denied'
        (Get-DbxWorkspaceNetworkPolicy -WorkspaceId $workspaceId).NetworkPolicyId | Should -Be 'corp-ingress'
    }

    It 'step 2 reads, from the denial log, what the dry run would have denied (this test''s own address)' {
        $ErrorActionPreference = 'Stop'
        . ([scriptblock]::Create($blocks[1])) | Out-Null
        $script:denied = $wouldDeny
        $denied.Count | Should -BeGreaterThan 0
        $denied[0].address | Should -Be '127.0.0.1'
    }

    It 'step 3 promotes with the legitimate addresses allowed: enforced now, the runner keeps access, others are refused' {
        $ErrorActionPreference = 'Stop'
        $wouldDeny = $denied
        $out = @(. ([scriptblock]::Create($blocks[2])) 3>$null)
        $d = @($out | Where-Object { $_ -is [DatabricksNetworking.Models.IngressAccessDecision] })
        $d[0].Decision | Should -Be 'Allowed'
        $d[0].DecidingRule | Should -Be 'seen-in-dry-run'
        $d[1].Decision | Should -Be 'Denied'
        $p = Get-DbxNetworkPolicy corp-ingress
        $p.PublicAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $p.IngressRuleCount | Should -Be 2
        $p.IngressDryRun | Should -BeNullOrEmpty   # Confirm-DbxNetworkPolicyIngress ended the dry run
        # The emulator enforces it: this test's requests (127.0.0.1) still reach the workspace.
        { Get-DbxIpAccessList -WorkspaceId $workspaceId -ErrorAction Stop } | Should -Not -Throw
        $log = (Invoke-EmulatorControl -Emulator $emulator -Path "ingress-log?workspace_id=$workspaceId").decisions
        ($log | Where-Object enforcement -eq 'enforced' | Select-Object -Last 1).decision | Should -Be 'ALLOW'
    }
}
