BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:url = (Get-TestEnvironment).EmulatorUrl
}

Describe 'Connect-DbxAccount' {
    It 'connects with OAuth M2M and lists the demo workspaces' {
        $ctx = Connect-TestAccount
        $ctx.Kind | Should -Be 'Account'
        $ctx.AuthType | Should -Be 'oauth-m2m'
        $ws = @(Get-DbxWorkspace)
        $ws.Count | Should -Be 3
        $ws.WorkspaceName | Should -Contain 'prod-eu'
    }
}
